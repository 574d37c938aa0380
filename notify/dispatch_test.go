package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDispatchDelivers(t *testing.T) {
	srv := newServer(t, ok)
	ds := fast(mustWebhook(t, srv.URL+"/hook", "")).Dispatch(context.Background(), sampleEvent())
	require.Len(t, ds, 1)
	assert.NoError(t, ds[0].Err)
	assert.True(t, ds[0].OK())
	assert.Equal(t, 1, ds[0].Attempts)
	assert.Len(t, srv.requests(), 1)
	assert.Empty(t, Warnings(ds))
}

func TestDispatchRetries500ThenSucceeds(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	ds := fast(mustWebhook(t, srv.URL, "")).Dispatch(context.Background(), sampleEvent())
	require.NoError(t, ds[0].Err)
	assert.Equal(t, 2, ds[0].Attempts)
	hits := srv.requests()
	require.Len(t, hits, 2)
	// One event, one id: the receiver can drop the duplicate.
	id := hits[0].header.Get(HeaderDelivery)
	assert.NotEmpty(t, id)
	assert.Equal(t, id, hits[1].header.Get(HeaderDelivery))
}

func TestDispatchHonoursRetryAfter(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	ds := fast(mustWebhook(t, srv.URL, "")).Dispatch(context.Background(), sampleEvent())
	require.NoError(t, ds[0].Err)
	assert.Equal(t, 2, ds[0].Attempts)
	hits := srv.requests()
	require.Len(t, hits, 2)
	// Backoff alone would wait at most 5ms; the server asked for a second.
	assert.GreaterOrEqual(t, hits[1].at.Sub(hits[0].at), 950*time.Millisecond)
}

func TestDispatchRetryAfterPastDeadlineGivesUpAtOnce(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	d := fast(mustWebhook(t, srv.URL, ""))
	d.Deadline = 500 * time.Millisecond
	start := time.Now()
	ds := d.Dispatch(context.Background(), sampleEvent())
	assert.Less(t, time.Since(start), 400*time.Millisecond)
	require.Error(t, ds[0].Err)
	assert.Equal(t, 1, ds[0].Attempts)
	assert.Contains(t, ds[0].Err.Error(), "deadline")
	var se *StatusError
	require.ErrorAs(t, ds[0].Err, &se)
	assert.Equal(t, time.Minute, se.RetryAfter)
}

func TestDispatchNeverRetries4xx(t *testing.T) {
	for _, code := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusFound} {
		srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			if code == http.StatusFound {
				w.Header().Set("Location", "https://elsewhere.example/")
			}
			w.WriteHeader(code)
			_, _ = w.Write([]byte("invalid_payload\n"))
		})
		ds := fast(mustWebhook(t, srv.URL, "")).Dispatch(context.Background(), sampleEvent())
		var se *StatusError
		require.ErrorAs(t, ds[0].Err, &se, "status %d", code)
		assert.Equal(t, code, se.Code)
		assert.Equal(t, "invalid_payload", se.Text)
		assert.Equal(t, 1, ds[0].Attempts, "status %d", code)
		assert.Len(t, srv.requests(), 1, "status %d", code)
	}
}

func TestDispatchStopsAtMaxAttempts(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})
	d := fast(mustWebhook(t, srv.URL, ""))
	d.MaxAttempts = 3
	ds := d.Dispatch(context.Background(), sampleEvent())
	require.Error(t, ds[0].Err)
	assert.Equal(t, 3, ds[0].Attempts)
	assert.Len(t, srv.requests(), 3)
	assert.Contains(t, ds[0].Err.Error(), "HTTP 502")
	require.Len(t, Warnings(ds), 1)
	assert.Contains(t, Warnings(ds)[0], "after 3 attempt(s)")
}

func TestDispatchTimeoutEndsAtDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	d := fast(mustWebhook(t, srv.URL, ""))
	d.Deadline = 200 * time.Millisecond
	start := time.Now()
	ds := d.Dispatch(context.Background(), sampleEvent())
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 200*time.Millisecond)
	assert.Less(t, elapsed, 700*time.Millisecond)
	require.Error(t, ds[0].Err)
	assert.ErrorIs(t, ds[0].Err, context.DeadlineExceeded)
	assert.Contains(t, ds[0].Err.Error(), "200ms deadline")
}

func TestDispatchRetriesConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	d := fast(mustWebhook(t, "http://"+addr+"/hook", ""))
	d.MaxAttempts = 3
	ds := d.Dispatch(context.Background(), sampleEvent())
	require.Error(t, ds[0].Err)
	assert.Equal(t, 3, ds[0].Attempts)
	assert.Contains(t, ds[0].Err.Error(), "refused")
}

func TestDispatchRunsSendersConcurrently(t *testing.T) {
	slow := func(int, http.ResponseWriter, *http.Request) { time.Sleep(300 * time.Millisecond) }
	a, b := newServer(t, slow), newServer(t, slow)
	start := time.Now()
	ds := fast(mustWebhook(t, a.URL, ""), mustWebhook(t, b.URL, "")).Dispatch(context.Background(), sampleEvent())
	assert.Less(t, time.Since(start), 550*time.Millisecond)
	require.Len(t, ds, 2)
	assert.NoError(t, ds[0].Err)
	assert.NoError(t, ds[1].Err)
}

type fakeSender struct {
	name  string
	calls atomic.Int32
	send  func(n int) error
}

func (f *fakeSender) Name() string { return f.name }
func (f *fakeSender) Send(context.Context, Event) error {
	return f.send(int(f.calls.Add(1)))
}

func TestDispatchSurvivesPanickingSender(t *testing.T) {
	srv := newServer(t, ok)
	bad := &fakeSender{name: "bad", send: func(int) error { panic("boom https://secret") }}
	ds := fast(bad, nil, mustWebhook(t, srv.URL, "")).Dispatch(context.Background(), sampleEvent())
	require.Len(t, ds, 3)
	require.Error(t, ds[0].Err)
	assert.Equal(t, "bad", ds[0].Sender)
	assert.Contains(t, ds[0].Err.Error(), "panicked")
	assert.NotContains(t, ds[0].Err.Error(), "secret")
	assert.Error(t, ds[1].Err, "a nil sender is reported, not dereferenced")
	assert.NoError(t, ds[2].Err, "one broken sender does not stop the others")
}

func TestDispatchRetriesOnlyWhatMayPass(t *testing.T) {
	plain := &fakeSender{name: "plain", send: func(int) error { return errors.New("bad payload") }}
	flaky := &fakeSender{name: "flaky", send: func(n int) error {
		if n < 3 {
			return &net.OpError{Op: "dial", Err: errors.New("connection reset")}
		}
		return nil
	}}
	ds := fast(plain, flaky).Dispatch(context.Background(), sampleEvent())
	assert.Equal(t, 1, ds[0].Attempts, "an error of unknown kind is not retried")
	assert.Error(t, ds[0].Err)
	assert.Equal(t, 3, ds[1].Attempts, "a net.Error is retried")
	assert.NoError(t, ds[1].Err)
}

func TestDispatchFillsIDAndTime(t *testing.T) {
	var got Event
	s := &fakeSender{name: "f", send: func(int) error { return nil }}
	capture := senderFunc{name: "capture", f: func(e Event) error { got = e; return nil }}
	e := sampleEvent()
	e.Time = time.Time{}
	fast(s, capture).Dispatch(context.Background(), e)
	assert.Len(t, got.ID, 32)
	assert.WithinDuration(t, time.Now(), got.Time, time.Minute)
}

type senderFunc struct {
	name string
	f    func(Event) error
}

func (s senderFunc) Name() string                          { return s.name }
func (s senderFunc) Send(_ context.Context, e Event) error { return s.f(e) }

func TestDispatchWithoutSenders(t *testing.T) {
	var d *Dispatcher
	assert.Nil(t, d.Dispatch(context.Background(), sampleEvent()))
	assert.Nil(t, New().Dispatch(context.Background(), sampleEvent()))
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	d := &Dispatcher{BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second}
	for range 50 {
		w1, w3, w9 := d.backoff(1), d.backoff(3), d.backoff(9)
		assert.True(t, w1 >= 50*time.Millisecond && w1 <= 100*time.Millisecond, w1)
		assert.True(t, w3 >= 200*time.Millisecond && w3 <= 400*time.Millisecond, w3)
		assert.True(t, w9 >= 500*time.Millisecond && w9 <= time.Second, w9)
	}
}

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	h := http.Header{}
	assert.Zero(t, retryAfter(h, now))
	h.Set("Retry-After", "3")
	assert.Equal(t, 3*time.Second, retryAfter(h, now))
	h.Set("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat))
	assert.Equal(t, 90*time.Second, retryAfter(h, now))
	h.Set("Retry-After", "soon")
	assert.Zero(t, retryAfter(h, now))
}

func TestDispatchRetriesAnAttemptThatHangs(t *testing.T) {
	srv := newServer(t, func(n int, _ http.ResponseWriter, r *http.Request) {
		if n == 1 {
			<-r.Context().Done() // the first request is lost
		}
	})
	d := fast(mustWebhook(t, srv.URL, ""))
	d.Deadline, d.AttemptTimeout = time.Second, 100*time.Millisecond
	start := time.Now()
	ds := d.Dispatch(context.Background(), sampleEvent())
	require.NoError(t, ds[0].Err)
	assert.Equal(t, 2, ds[0].Attempts)
	assert.Less(t, time.Since(start), 500*time.Millisecond)
}

func TestDispatchDoesNotRetryARefused2xx(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s, err := NewSlack(srv.URL + "/services/T/B/X")
	require.NoError(t, err)
	ds := fast(s).Dispatch(context.Background(), sampleEvent())
	require.Error(t, ds[0].Err, "Slack answers 200; anything else is not a Slack webhook")
	assert.Equal(t, 1, ds[0].Attempts)
}
