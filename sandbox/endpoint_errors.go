package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"

	"github.com/aws/smithy-go/encoding/cbor"
)

// protocol is an AWS wire protocol; each has its own error shape.
type protocol int

const (
	protoQuery    protocol = iota // STS, CloudWatch (awsQuery)
	protoRESTXML                  // CloudFront
	protoS3                       // S3's own REST-XML errors
	protoJSON                     // ECS, ECR (awsJson1_1), CloudWatch JSON 1.0
	protoRESTJSON                 // Lambda
	protoCBOR                     // CloudWatch (smithy rpcv2Cbor)
)

// protocolOf tells the protocol of a request to service.
func protocolOf(service string, r *http.Request) protocol {
	switch service {
	case "s3":
		return protoS3
	case "cloudfront":
		return protoRESTXML
	case "ecs", "ecr", "logs":
		return protoJSON
	case "lambda":
		return protoRESTJSON
	case "monitoring":
		if r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor" {
			return protoCBOR
		}
		if r.Header.Get("X-Amz-Target") != "" {
			return protoJSON
		}
	}
	return protoQuery
}

// apiError is an AWS error response.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func unknownOperation(op string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
		Message: fmt.Sprintf("the kirikae sandbox does not implement operation %q", op)}
}

func notFound(code, msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: code, Message: msg}
}

func badRequest(code, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// asAPIError turns a simulation error into an AWS error; anything not
// already shaped is the service's fault (500), as on AWS.
func asAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
}

const requestID = "00000000-0000-4000-8000-000000000000"

// writeError writes e in the protocol's error shape:
//   - awsJson1_1 / restJson1: X-Amzn-ErrorType and {"__type","message"}
//     https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization
//   - awsQuery / restXml: <ErrorResponse><Error><Type><Code><Message>
//     https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization
//   - S3: <Error><Code><Message> https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
//   - rpcv2Cbor: a CBOR map with __type and message
//     https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#operation-error-serialization
func writeError(w http.ResponseWriter, r *http.Request, p protocol, e *apiError) {
	w.Header().Set("X-Amzn-RequestId", requestID)
	switch p {
	case protoJSON, protoRESTJSON:
		w.Header().Set("X-Amzn-ErrorType", e.Code)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(e.Status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
	case protoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		w.WriteHeader(e.Status)
		_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String(e.Code), "message": cbor.String(e.Message)}))
	case protoS3:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(e.Status)
		_ = xml.NewEncoder(w).Encode(struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string
			Message   string
			RequestID string `xml:"RequestId"`
		}{Code: e.Code, Message: e.Message, RequestID: requestID})
	default:
		typ := "Sender"
		if e.Status >= 500 {
			typ = "Receiver"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(e.Status)
		_, _ = w.Write([]byte(xml.Header))
		_ = xml.NewEncoder(w).Encode(struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Error   struct {
				Type, Code, Message string
			}
			RequestID string `xml:"RequestId"`
		}{Error: struct{ Type, Code, Message string }{typ, e.Code, e.Message}, RequestID: requestID})
	}
}

// writeJSON answers a JSON protocol request.
func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

// writeXML answers an XML protocol request with status 200 (or status).
func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("X-Amzn-RequestId", requestID)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}
