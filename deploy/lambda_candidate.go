package deploy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kirikae/kirikae/infra"
)

// A Lambda release is published as a new version behind alias `live`
// before the alias moves to it (stepStage). Nothing routes HTTP to that
// version yet, so the smoke checks and command reach it through a local
// listener that turns each request into the event API Gateway's HTTP API
// would send (payload format 2.0) and invokes the version directly, as
// SAM's PreTraffic hook tests a version before CodeDeploy shifts traffic.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/automating-updates-to-serverless-apps.html

// invokeFunc invokes one function version with a payload and returns its
// response payload.
type invokeFunc func(ctx context.Context, payload []byte) ([]byte, error)

// candidateHandler answers HTTP by invoking the version.
func candidateHandler(invoke invokeFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20)) // Lambda's synchronous payload limit
		if err != nil {
			http.Error(w, "read request: "+err.Error(), http.StatusBadRequest)
			return
		}
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "$default", RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery,
			Headers: map[string]string{},
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				DomainName: r.Host, Stage: "$default", RouteKey: "$default",
				TimeEpoch: time.Now().UnixMilli(),
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
					Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: "127.0.0.1", UserAgent: r.UserAgent(),
				},
			},
			Body: base64.StdEncoding.EncodeToString(body), IsBase64Encoded: true,
		}
		for k, vs := range r.Header {
			if strings.EqualFold(k, "Cookie") {
				for _, v := range vs {
					ev.Cookies = append(ev.Cookies, strings.Split(v, "; ")...)
				}
				continue
			}
			ev.Headers[strings.ToLower(k)] = strings.Join(vs, ",")
		}
		if len(r.URL.Query()) > 0 {
			ev.QueryStringParameters = map[string]string{}
			for k, vs := range r.URL.Query() {
				ev.QueryStringParameters[k] = strings.Join(vs, ",")
			}
		}
		payload, err := json.Marshal(ev)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out, err := invoke(r.Context(), payload)
		if err != nil {
			// What API Gateway answers when the integration fails.
			http.Error(w, `{"message":"Internal Server Error"} (`+err.Error()+`)`, http.StatusInternalServerError)
			return
		}
		var res events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &res); err != nil || res.StatusCode == 0 {
			http.Error(w, `{"message":"Internal Server Error"} (the function's response is not an HTTP API response)`, http.StatusInternalServerError)
			return
		}
		for k, v := range res.Headers {
			w.Header().Set(k, v)
		}
		for k, vs := range res.MultiValueHeaders {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		for _, c := range res.Cookies {
			w.Header().Add("Set-Cookie", c)
		}
		data := []byte(res.Body)
		if res.IsBase64Encoded {
			if data, err = base64.StdEncoding.DecodeString(res.Body); err != nil {
				http.Error(w, "decode the function's body: "+err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(data)
	})
}

// serveCandidate listens on 127.0.0.1 for the version's smoke checks.
func serveCandidate(invoke invokeFunc) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen for the candidate version: %w", err)
	}
	srv := &http.Server{Handler: candidateHandler(invoke), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// smokeCandidate runs the smoke checks and command on the Lambda version
// the stage step published, before alias `live` moves to it. Nothing runs
// when the stack has no checks, verification is skipped, or nothing new
// was published.
func (r *run) smokeCandidate(ctx context.Context) error {
	cfg := r.p.cfg
	version := outputString(r.last.Outputs, infra.OutputLambdaLatestVersion)
	if r.o.SkipVerify || (len(cfg.SmokeChecks) == 0 && cfg.SmokeCommand == "") || version == "" || version == r.p.liveLambda {
		return nil
	}
	c, err := r.s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	fn := infra.FunctionName(cfg)
	url, stop, err := serveCandidate(func(ctx context.Context, payload []byte) ([]byte, error) {
		return c.Invoke(ctx, fn, version, payload)
	})
	if err != nil {
		return err
	}
	defer stop()
	r.smoked = true
	return r.smoke(ctx, "version "+version+" before alias live moves", url, true)
}
