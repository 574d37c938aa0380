package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// IAMRole is a role created through IAM's API (CreateRole), with the
// inline policies PutRolePolicy attached to it, by policy name. The
// documents are kept as given: the evaluation (sandbox/iam) reads them as
// data, as IAM reads a role's policies on every request.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
type IAMRole struct {
	Name             string            `json:"name"`
	Arn              string            `json:"arn"`
	RoleID           string            `json:"roleId"`
	AssumeRolePolicy string            `json:"assumeRolePolicy"`
	CreateDate       string            `json:"createDate"`
	Policies         map[string]string `json:"policies,omitempty"`
}

// RoleSession is what a session token of AssumeRole carries: the role, the
// session's name, its access key and when it expires. STS's tokens are
// self-contained (no service stores a session), so the sandbox's are too:
// the session is signed with the account's STS key and nothing is written
// when a role is assumed.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
type RoleSession struct {
	Role      string `json:"r"`
	Name      string `json:"s"`
	AccessKey string `json:"k"`
	Expires   int64  `json:"e"` // Unix seconds
}

// SessionCredentials are AssumeRole's Credentials.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html
type SessionCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
}

// stsKey signs the account's session tokens. The sandbox is reachable only
// by its owner (core.ListenOwner), so a key derived from the account is
// enough to tell its sessions from made-up ones.
func stsKey(account string) []byte {
	sum := sha256.Sum256([]byte("kirikae sandbox sts/" + account))
	return sum[:]
}

func mac(account, msg string) []byte {
	h := hmac.New(sha256.New, stsKey(account))
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// sessionKeyPrefix: temporary credentials' access keys start with ASIA.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
const sessionKeyPrefix = "ASIA"

// IsSessionKey reports whether accessKey is a temporary credential's.
func IsSessionKey(accessKey string) bool { return strings.HasPrefix(accessKey, sessionKeyPrefix) }

// SessionSecret is the secret access key of a session's access key.
func SessionSecret(account, accessKey string) string {
	return hex.EncodeToString(mac(account, "secret/"+accessKey))[:40]
}

// MintSession issues credentials for a session of role lasting d.
func MintSession(account, role, name string, d time.Duration) (SessionCredentials, error) {
	nonce := make([]byte, 10)
	if _, err := rand.Read(nonce); err != nil {
		return SessionCredentials{}, err
	}
	key := sessionKeyPrefix + strings.ToUpper(hex.EncodeToString(nonce))[:16]
	exp := time.Now().Add(d).UTC().Truncate(time.Second)
	payload, err := json.Marshal(RoleSession{Role: role, Name: name, AccessKey: key, Expires: exp.Unix()})
	if err != nil {
		return SessionCredentials{}, err
	}
	p := base64.RawURLEncoding.EncodeToString(payload)
	token := p + "." + base64.RawURLEncoding.EncodeToString(mac(account, "token/"+p))
	return SessionCredentials{AccessKeyID: key, SecretAccessKey: SessionSecret(account, key), SessionToken: token, Expiration: exp}, nil
}

// ErrBadSessionToken is a token this account's STS did not issue for the
// access key, or one that expired: AWS answers InvalidClientTokenId /
// ExpiredToken.
var ErrBadSessionToken = errors.New("the security token included in the request is invalid or expired")

// SessionOf reads the session a token carries, checking that this
// account's STS signed it for accessKey and that it has not expired.
func SessionOf(account, accessKey, token string) (RoleSession, error) {
	p, sig, ok := strings.Cut(token, ".")
	want := base64.RawURLEncoding.EncodeToString(mac(account, "token/"+p))
	if !ok || !hmac.Equal([]byte(sig), []byte(want)) {
		return RoleSession{}, ErrBadSessionToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	var s RoleSession
	if err != nil || json.Unmarshal(raw, &s) != nil || s.AccessKey != accessKey || time.Now().Unix() >= s.Expires {
		return RoleSession{}, ErrBadSessionToken
	}
	return s, nil
}
