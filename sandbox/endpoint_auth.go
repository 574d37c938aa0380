package sandbox

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
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

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
			a.accessKey, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.service != "" && a.signature != "" && len(a.signedHeaders) > 0
}

// verifySigV4 checks the request's signature against the sandbox's static
// credentials by signing the same canonical request again with
// aws-sdk-go-v2's signer. Query-string (presigned) authentication is not
// accepted: nothing kirikae calls uses it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
func verifySigV4(r *http.Request, body []byte) (sigAuth, *apiError) {
	a, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (MissingAuthenticationToken)
		return a, &apiError{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
			Message: "Request is missing a valid AWS Signature Version 4 Authorization header"}
	}
	if a.accessKey != AccessKeyID {
		code := "InvalidClientTokenId"
		switch protocolOf(a.service, r) {
		case protoS3:
			code = "InvalidAccessKeyId" // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
		case protoJSON, protoRESTJSON, protoCBOR:
			code = "UnrecognizedClientException"
		}
		return a, &apiError{Status: http.StatusForbidden, Code: code,
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
	creds := aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey}
	err = v4.NewSigner().SignHTTP(r.Context(), creds, clone, payloadHash, a.service, a.region, signingTime,
		func(o *v4.SignerOptions) {
			// S3 signs the path as sent; every other service escapes it twice.
			o.DisableURIPathEscaping = a.service == "s3"
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

func signatureMismatch(why string) *apiError {
	msg := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
	if why != "" {
		msg += " (" + why + ")"
	}
	return &apiError{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: msg}
}
