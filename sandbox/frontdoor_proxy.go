package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// coldStart bounds how long a request waits for a healthy target of a
// service this process has just started: on AWS the tasks were already
// running, here they start on demand.
const coldStart = 15 * time.Second

// proxyALB forwards the request to a healthy target of the target group,
// as the listener's forward action does. With no healthy target the ALB
// fails open to every registered one; with none registered it answers 503
// itself. 5xx answers are counted as CloudWatch would
// (HTTPCode_Target_5XX_Count from a target, HTTPCode_ELB_5XX_Count from
// the load balancer).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
func (a *Account) proxyALB(w http.ResponseWriter, r *http.Request, rt routed) {
	port, ok := a.pickTarget(r.Context(), rt.services)
	dims := map[string]string{"LoadBalancer": rt.lbSuffix, "TargetGroup": rt.tgSuffix}
	if !ok {
		a.record("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", map[string]string{"LoadBalancer": rt.lbSuffix})
		http.Error(w, "503 Service Temporarily Unavailable", http.StatusServiceUnavailable)
		return
	}
	target := &url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", port)}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.SetXForwarded()
			pr.Out.Host = pr.In.Host // an ALB passes the Host header through
		},
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode >= 500 {
				a.record("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			// The target closed the connection or never answered.
			a.record("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", map[string]string{"LoadBalancer": rt.lbSuffix})
			http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		},
	}
	proxy.ServeHTTP(w, r)
}

// pickTarget returns the port of a healthy task of the services, waiting
// while a cold start is under way, else one registered task (fail open).
func (a *Account) pickTarget(ctx context.Context, services []string) (int, bool) {
	wl := a.workloads()
	var runs []*serviceRun
	for _, id := range services {
		runs = append(runs, wl.service(id))
	}
	for {
		var healthy, registered []int
		cold := false
		for _, s := range runs {
			h, reg := s.targets()
			healthy, registered = append(healthy, h...), append(registered, reg...)
			if s.warming() {
				cold = true
			}
		}
		switch {
		case len(healthy) > 0:
			return healthy[rand.IntN(len(healthy))], true
		case !cold && len(registered) > 0:
			return registered[rand.IntN(len(registered))], true
		case !cold:
			return 0, false
		}
		select {
		case <-ctx.Done():
			return 0, false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// invokeAPI runs the request through the Lambda version API Gateway's
// integration routes to, as an HTTP API with payload format 2.0 does: the
// request becomes an APIGatewayV2HTTPRequest event and the function's
// response an HTTP response. A function error is API Gateway's 500.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func (a *Account) invokeAPI(w http.ResponseWriter, r *http.Request, rt routed) {
	event, err := apiEvent(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fn, err := a.workloads().function(rt)
	var out []byte
	if err == nil {
		out, err = fn.invoke(r.Context(), rt.version, event)
	}
	if err != nil {
		dims := map[string]string{"FunctionName": rt.function, "ExecutedVersion": rt.version}
		if rt.alias != "" {
			dims["Resource"] = rt.function + ":" + rt.alias
		}
		a.record("AWS/Lambda", "Errors", dims)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"message":"Internal Server Error"}`)
		return
	}
	writeAPIResponse(w, out)
}

// apiEvent builds the HTTP API v2 event of a request.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.proxy-format
func apiEvent(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	headers := map[string]string{}
	for k, v := range r.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	headers["host"] = r.Host
	query := map[string]string{}
	for k, v := range r.URL.Query() {
		query[k] = strings.Join(v, ",")
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery,
		Cookies: nil, Headers: headers, QueryStringParameters: query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "$default", Stage: "$default", DomainName: r.Host,
			RequestID: stableDigits(fmt.Sprint(time.Now().UnixNano()), 16),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: "127.0.0.1", UserAgent: r.UserAgent(),
			},
			TimeEpoch: time.Now().UnixMilli(),
		},
	}
	for _, c := range r.Cookies() {
		ev.Cookies = append(ev.Cookies, c.String())
	}
	if len(body) > 0 {
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return json.Marshal(ev)
}

// writeAPIResponse turns a payload 2.0 response into HTTP. A response
// without statusCode is a body API Gateway serves as JSON with 200.
func writeAPIResponse(w http.ResponseWriter, out []byte) {
	var resp events.APIGatewayV2HTTPResponse
	var probe map[string]json.RawMessage
	if json.Unmarshal(out, &probe) != nil || probe["statusCode"] == nil || json.Unmarshal(out, &resp) != nil {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, bytes.NewReader(body))
}
