package core

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sigAuth is what a SigV4 Authorization header claims.
type sigAuth struct {
	accessKey, date, region, Service string
	signedHeaders                    []string
	signature                        string
}

// Region is the region of the credential scope: the region the caller
// addressed, as the endpoint's host name would say on AWS.
func (a sigAuth) Region() string { return a.region }

// parseAuthorization reads
//
//	AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex
//
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
func parseAuthorization(h string) (sigAuth, bool) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return sigAuth{}, false
	}
	var a sigAuth
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 5 || scope[4] != "aws4_request" {
				return sigAuth{}, false
			}
			a.accessKey, a.date, a.region, a.Service = scope[0], scope[1], scope[2], scope[3]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.Service != "" && a.signature != "" && len(a.signedHeaders) > 0
}

// VerifySigV4 checks the request's signature against the sandbox's static
// credentials by signing the same canonical request again with
// aws-sdk-go-v2's signer. Query-string (presigned) authentication is not
// accepted: nothing kirikae calls uses it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
func VerifySigV4(r *http.Request, body []byte) (sigAuth, *APIError) {
	return VerifySigV4Keys(r, body, nil)
}

// SecretOf returns the secret access key of an access key other than the
// sandbox's own (an IAM role's session credentials), false when unknown.
type SecretOf func(accessKey string) (string, bool)

// AccessKey is the access key the request was signed with.
func (a sigAuth) AccessKey() string { return a.accessKey }

// VerifySigV4Keys is VerifySigV4 accepting, besides the sandbox's own
// credentials, those secretOf knows.
func VerifySigV4Keys(r *http.Request, body []byte, secretOf SecretOf) (sigAuth, *APIError) {
	if svc, ok := unsignedService(r, body); ok {
		return sigAuth{Service: svc}, nil // no access key: nobody's role
	}
	a, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (MissingAuthenticationToken)
		return a, &APIError{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
			Message: "Request is missing a valid AWS Signature Version 4 Authorization header"}
	}
	secret, known := SecretAccessKey, a.accessKey == AccessKeyID
	if !known && secretOf != nil {
		secret, known = secretOf(a.accessKey)
	}
	if !known {
		code := "InvalidClientTokenId"
		switch ProtocolOf(a.Service, r) {
		case ProtoS3:
			code = "InvalidAccessKeyId" // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
		case ProtoJSON, ProtoRESTJSON, ProtoCBOR:
			code = "UnrecognizedClientException"
		}
		return a, &APIError{Status: http.StatusForbidden, Code: code,
			Message: fmt.Sprintf("The security token included in the request is invalid: the kirikae sandbox does not know access key %s", a.accessKey)}
	}
	signingTime, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return a, signatureMismatch("X-Amz-Date is missing or malformed")
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	clone, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return a, signatureMismatch("cannot rebuild the request: " + err.Error())
	}
	clone.Host = r.Host
	for _, h := range a.signedHeaders {
		switch h {
		case "host":
		case "content-length":
			clone.ContentLength = r.ContentLength
		default:
			clone.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	creds := aws.Credentials{AccessKeyID: a.accessKey, SecretAccessKey: secret}
	err = v4.NewSigner().SignHTTP(r.Context(), creds, clone, payloadHash, a.Service, a.region, signingTime,
		func(o *v4.SignerOptions) {
			// S3 signs the path as sent; every other service escapes it twice.
			o.DisableURIPathEscaping = a.Service == "s3"
		})
	if err != nil {
		return a, signatureMismatch(err.Error())
	}
	want, _ := parseAuthorization(clone.Header.Get("Authorization"))
	if subtle.ConstantTimeCompare([]byte(want.signature), []byte(a.signature)) != 1 {
		return a, signatureMismatch("")
	}
	return a, nil
}

func signatureMismatch(why string) *APIError {
	msg := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
	if why != "" {
		msg += " (" + why + ")"
	}
	return &APIError{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: msg}
}

// The static credentials the sandbox's AWS endpoint accepts. They are not
// secret: they only prove that a client was configured for this sandbox, the
// way a real account rejects keys it never issued.
const (
	AccessKeyID     = "AKIAKIRIKAESANDBOX00"
	SecretAccessKey = "kirikae/sandbox/not-a-secret/0123456789ab"
)

// AccessKeyOf is the access key a request's Authorization header names.
func AccessKeyOf(r *http.Request) string {
	a, _ := parseAuthorization(r.Header.Get("Authorization"))
	return a.accessKey
}
