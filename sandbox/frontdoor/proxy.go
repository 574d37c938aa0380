package frontdoor

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

	"github.com/kirikae/kirikae/sandbox/cloudwatch"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/lambda"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// proxyALB forwards the request to a healthy target of the target group,
// as the listener's forward action does. With no healthy target the ALB
// fails open to every registered one; with none registered it answers 503
// itself. 5xx answers are counted as CloudWatch would
// (HTTPCode_Target_5XX_Count from a target, HTTPCode_ELB_5XX_Count from
// the load balancer).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
func proxyALB(a *core.Account, w http.ResponseWriter, r *http.Request, rt workload.Routed) {
	port, ok := pickTarget(a, r.Context(), rt.Services)
	dims := map[string]string{"LoadBalancer": rt.LbSuffix, "TargetGroup": rt.TgSuffix}
	if !ok {
		cloudwatch.Record(a, "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", map[string]string{"LoadBalancer": rt.LbSuffix})
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
				cloudwatch.Record(a, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			// The target closed the connection or never answered.
			cloudwatch.Record(a, "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", map[string]string{"LoadBalancer": rt.LbSuffix})
			http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		},
	}
	proxy.ServeHTTP(w, r)
}

// pickTarget returns the port of a healthy task of the services, waiting
// while a cold start is under way, else one registered task (fail open).
func pickTarget(a *core.Account, ctx context.Context, services []string) (int, bool) {
	wl := workload.Workloads(a)
	var runs []*workload.ServiceRun
	for _, id := range services {
		runs = append(runs, wl.Service(id))
	}
	for {
		var healthy, registered []int
		cold := false
		for _, s := range runs {
			h, reg := s.Targets()
			healthy, registered = append(healthy, h...), append(registered, reg...)
			if s.Warming() {
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
func invokeAPI(a *core.Account, w http.ResponseWriter, r *http.Request, rt workload.Routed) {
	event, err := apiEvent(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	dims := map[string]string{"FunctionName": rt.Function, "ExecutedVersion": rt.Version}
	if rt.Alias != "" {
		dims["Resource"] = rt.Function + ":" + rt.Alias
	}
	release, admitted := lambda.Admit(a, rt.Function)
	defer release()
	var out []byte
	if admitted {
		fn, ferr := workload.Workloads(a).Function(rt)
		if err = ferr; err == nil {
			out, err = fn.Invoke(r.Context(), rt.Version, event)
		}
		cloudwatch.RecordInvocation(a, dims, err != nil)
	} else {
		// A throttled request runs no version; API Gateway answers 500.
		// https://repost.aws/knowledge-center/api-gateway-internal-server-error
		delete(dims, "ExecutedVersion")
		cloudwatch.Record(a, "AWS/Lambda", "Throttles", dims)
	}
	if err != nil || !admitted {
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
			RequestID: core.StableDigits(fmt.Sprint(time.Now().UnixNano()), 16),
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
