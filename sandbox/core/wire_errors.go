package core

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"

	"github.com/aws/smithy-go/encoding/cbor"
)

// Protocol is an AWS wire protocol; each has its own error shape.
type Protocol int

const (
	ProtoQuery    Protocol = iota // STS, CloudWatch (awsQuery)
	ProtoRESTXML                  // CloudFront
	ProtoS3                       // S3's own REST-XML errors
	ProtoJSON                     // ECS, ECR (awsJson1_1), CloudWatch JSON 1.0
	ProtoRESTJSON                 // Lambda
	ProtoCBOR                     // CloudWatch (smithy rpcv2Cbor)
	ProtoEC2                      // EC2 (ec2Query)
)

// ProtocolOf tells the protocol of a request to service.
func ProtocolOf(service string, r *http.Request) Protocol {
	switch service {
	case "s3":
		return ProtoS3
	case "cloudfront":
		return ProtoRESTXML
	case "ecs", "ecr", "logs", "dynamodb", "ssm":
		return ProtoJSON
	case "lambda", "apigateway":
		return ProtoRESTJSON
	case "ec2":
		return ProtoEC2
	case "monitoring":
		if r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor" {
			return ProtoCBOR
		}
		if r.Header.Get("X-Amz-Target") != "" {
			return ProtoJSON
		}
	case "sqs": // awsJson1_0 since 2023, query before
		if r.Header.Get("X-Amz-Target") != "" {
			return ProtoJSON
		}
	}
	return ProtoQuery
}

// APIError is an AWS error response.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func UnknownOperation(op string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
		Message: fmt.Sprintf("the kirikae sandbox does not implement operation %q", op)}
}

func NotFound(code, msg string) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: code, Message: msg}
}

func BadRequest(code, msg string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// AsAPIError turns a simulation error into an AWS error; anything not
// already shaped is the service's fault (500), as on AWS.
func AsAPIError(err error) *APIError {
	if e, ok := err.(*APIError); ok {
		return e
	}
	return &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
}

const RequestID = "00000000-0000-4000-8000-000000000000"

// WriteError writes e in the protocol's error shape:
//   - awsJson1_1 / restJson1: X-Amzn-ErrorType and {"__type","message"}
//     https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization
//   - awsQuery / restXml: <ErrorResponse><Error><Type><Code><Message>
//     https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization
//   - S3: <Error><Code><Message> https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
//   - rpcv2Cbor: a CBOR map with __type and message
//     https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#operation-error-serialization
func WriteError(w http.ResponseWriter, r *http.Request, p Protocol, e *APIError) {
	w.Header().Set("X-Amzn-RequestId", RequestID)
	switch p {
	case ProtoJSON, ProtoRESTJSON:
		w.Header().Set("X-Amzn-ErrorType", e.Code)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(e.Status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
	case ProtoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		w.WriteHeader(e.Status)
		_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String(e.Code), "message": cbor.String(e.Message)}))
	case ProtoEC2:
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
		WriteXML(w, e.Status, struct {
			XMLName xml.Name `xml:"Response"`
			Errors  struct {
				Error struct{ Code, Message string }
			}
			RequestID string
		}{Errors: struct {
			Error struct{ Code, Message string }
		}{struct{ Code, Message string }{e.Code, e.Message}}, RequestID: RequestID})
	case ProtoS3:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(e.Status)
		_ = xml.NewEncoder(w).Encode(struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string
			Message   string
			RequestID string `xml:"RequestId"`
		}{Code: e.Code, Message: e.Message, RequestID: RequestID})
	default:
		typ := "Sender"
		if e.Status >= 500 {
			typ = "Receiver"
		}
		WriteXML(w, e.Status, struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Error   struct {
				Type, Code, Message string
			}
			RequestID string `xml:"RequestId"`
		}{Error: struct{ Type, Code, Message string }{typ, e.Code, e.Message}, RequestID: RequestID})
	}
}

// WriteJSON answers a JSON protocol request.
func WriteJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("X-Amzn-RequestId", RequestID)
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteXML answers an XML protocol request with status 200 (or status).
func WriteXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("X-Amzn-RequestId", RequestID)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}
