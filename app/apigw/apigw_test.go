package apigw_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/app/api"
	"github.com/kirikae/kirikae/app/apigw"
)

// event is a payload format 2.0 request shaped like the example in
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html:
// lowercased header names, duplicate headers and query values joined by
// commas, cookies in their own field, method and source IP under
// requestContext.http.
const event = `{
  "version": "2.0",
  "routeKey": "$default",
  "rawPath": "/echo/a%2Fb",
  "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
  "cookies": ["cookie1=one", "cookie2=two"],
  "headers": {
    "accept": "application/json",
    "header2": "value1,value2",
    "host": "abc123.execute-api.us-east-1.amazonaws.com",
    "content-type": "text/plain"
  },
  "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
  "requestContext": {
    "accountId": "123456789012",
    "apiId": "abc123",
    "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
    "domainPrefix": "abc123",
    "http": {
      "method": "POST",
      "path": "/echo/a%2Fb",
      "protocol": "HTTP/1.1",
      "sourceIp": "192.0.2.1",
      "userAgent": "agent"
    },
    "requestId": "id",
    "routeKey": "$default",
    "stage": "$default",
    "time": "12/Mar/2020:19:03:58 +0000",
    "timeEpoch": 1583348638390
  },
  "body": "aGVsbG8gYm9keQ==",
  "pathParameters": {},
  "isBase64Encoded": true,
  "stageVariables": {}
}`

func decode(t *testing.T, raw string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal([]byte(raw), &ev))
	return ev
}

func TestRequestCarriesEverythingAPIGatewaySends(t *testing.T) {
	var seen *http.Request
	var body string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		raw, _ := io.ReadAll(r.Body)
		body = string(raw)
	})
	_, err := apigw.Handler(h)(context.Background(), decode(t, event))
	require.NoError(t, err)

	require.NotNil(t, seen)
	assert.Equal(t, http.MethodPost, seen.Method)
	assert.Equal(t, "/echo/a/b", seen.URL.Path)
	assert.Equal(t, "/echo/a%2Fb", seen.URL.EscapedPath(), "the raw path keeps its escaping")
	assert.Equal(t, []string{"value1", "value2"}, seen.URL.Query()["parameter1"])
	assert.Equal(t, "value", seen.URL.Query().Get("parameter2"))
	assert.Equal(t, "value1,value2", seen.Header.Get("Header2"))
	assert.Equal(t, "abc123.execute-api.us-east-1.amazonaws.com", seen.Host)
	assert.Equal(t, "192.0.2.1", seen.RemoteAddr)
	assert.Equal(t, "hello body", body, "base64 body is decoded")
	assert.Equal(t, int64(len("hello body")), seen.ContentLength)
	c, err := seen.Cookie("cookie2")
	require.NoError(t, err)
	assert.Equal(t, "two", c.Value)
}

func TestResponseShape(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		w.Header().Add("X-Multi", "x")
		w.Header().Add("X-Multi", "y")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("short"))
		_, _ = w.Write([]byte(" and stout"))
	})
	res, err := apigw.Handler(h)(context.Background(), decode(t, event))
	require.NoError(t, err)
	assert.Equal(t, http.StatusTeapot, res.StatusCode)
	assert.Equal(t, "short and stout", res.Body)
	assert.False(t, res.IsBase64Encoded)
	assert.Equal(t, []string{"a=1", "b=2"}, res.Cookies, "each cookie becomes one set-cookie header")
	assert.NotContains(t, res.Headers, "Set-Cookie")
	assert.Equal(t, "x,y", res.Headers["X-Multi"])
	assert.Equal(t, "text/plain", res.Headers["Content-Type"])
}

func TestBinaryBodyIsBase64(t *testing.T) {
	payload := []byte{0xff, 0xfe, 0x00, 0x01}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(payload)
	})
	res, err := apigw.Handler(h)(context.Background(), decode(t, event))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, "a write without WriteHeader is 200")
	assert.True(t, res.IsBase64Encoded)
	got, err := base64.StdEncoding.DecodeString(res.Body)
	require.NoError(t, err)
	assert.Equal(t, payload, got)
}

func TestServiceThroughAdapter(t *testing.T) {
	h := apigw.Handler(api.New("v3"))
	get := func(path, query string) events.APIGatewayV2HTTPResponse {
		ev := decode(t, event)
		ev.RawPath, ev.RawQueryString, ev.Body, ev.IsBase64Encoded = path, query, "", false
		ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = http.MethodGet, path
		res, err := h(context.Background(), ev)
		require.NoError(t, err)
		return res
	}
	res := get("/version", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"version":"v3"}`, res.Body)
	assert.Equal(t, "application/json", res.Headers["Content-Type"])
	assert.Equal(t, "v3", res.Headers[api.VersionHeader])

	res = get("/healthz", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "ok", res.Body)

	res = get("/api/hello", "name=lambda")
	assert.JSONEq(t, `{"message":"hello, lambda"}`, res.Body)

	res = get("/missing", "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}

func TestEventWithoutMethodIsRejected(t *testing.T) {
	// A payload format 1.0 event has httpMethod at the top level and no
	// requestContext.http: the integration is misconfigured, say so.
	_, err := apigw.Handler(api.New("v1"))(context.Background(), decode(t, `{"version":"1.0","path":"/version","httpMethod":"GET"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "payload format version 2.0")
}

func TestBadBase64BodyIsAnError(t *testing.T) {
	ev := decode(t, event)
	ev.Body = "%%%"
	_, err := apigw.Handler(api.New("v1"))(context.Background(), ev)
	require.Error(t, err)
}
