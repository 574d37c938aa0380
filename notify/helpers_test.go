package notify

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// hit is one request a test server received.
type hit struct {
	at     time.Time
	header http.Header
	body   []byte
}

// recordingServer answers with respond(n) for the n-th request (from 1)
// and keeps every request it saw.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits []hit
}

func newServer(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *recordingServer {
	t.Helper()
	s := &recordingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.hits = append(s.hits, hit{at: time.Now(), header: r.Header.Clone(), body: body})
		n := len(s.hits)
		s.mu.Unlock()
		respond(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recordingServer) requests() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

func ok(int, http.ResponseWriter, *http.Request) {}

// fast keeps retries in milliseconds so the suite stays quick.
func fast(senders ...Sender) *Dispatcher {
	return &Dispatcher{Senders: senders, Deadline: 2 * time.Second, MaxAttempts: 4,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}
}

func sampleEvent() Event {
	return Event{
		Kind:            DeployFailed,
		Stack:           "staging",
		ReleaseID:       7,
		ReleaseName:     "image v3, frontend r2",
		Who:             "alice",
		RunURL:          "https://github.com/acme/shop/actions/runs/42",
		Changes:         map[string]int{"update": 2, "create": 1},
		RollbackCommand: "kirikae rollback --stack staging --to 6",
		Reason:          "verify /healthz: HTTP 500",
		Time:            time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC),
	}
}

func mustWebhook(t *testing.T, url, secret string) *Webhook {
	t.Helper()
	w, err := NewWebhook(url, secret)
	if err != nil {
		t.Fatalf("NewWebhook: %v", err)
	}
	return w
}
