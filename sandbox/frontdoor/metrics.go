package frontdoor

import (
	"net"
	"net/http"
	"strings"

	"github.com/kirikae/kirikae/sandbox/cloudwatch"
	"github.com/kirikae/kirikae/sandbox/core"
)

// cloudFrontMetrics notes what a distribution answers a viewer request;
// recorded then records it (cloudwatch.RecordCloudFront: Requests and
// 5xxErrorRate), the way CloudFront publishes its metrics from the
// requests it served. A request to another host passes untouched.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
func cloudFrontMetrics(a *core.Account, w http.ResponseWriter, r *http.Request) (_ http.ResponseWriter, recorded func()) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !strings.HasSuffix(host, ".cloudfront.net") {
		return w, func() {}
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	return sw, func() {
		var id string
		_ = a.View(func(st *core.State) error {
			if ds := core.NewIndex(st).Find(core.TokDistribution, "domainName", host); len(ds) > 0 {
				id = core.StrOf(ds[0], "id")
			}
			return nil
		})
		if id != "" {
			cloudwatch.RecordCloudFront(a, id, sw.status)
		}
	}
}

// statusWriter notes the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
