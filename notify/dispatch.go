package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"sync"
	"time"
)

// Sender delivers an event to one place. Send makes a single attempt and
// reports what happened; retrying is the Dispatcher's job. An error that
// has a Retryable() bool method (or is a net.Error) tells the Dispatcher
// whether another attempt may help. Any channel (Topic, an SNS topic) plugs
// in by implementing this.
type Sender interface {
	Send(ctx context.Context, e Event) error
	Name() string
}

// Defaults of a Dispatcher's zero fields.
const (
	DefaultDeadline    = 10 * time.Second
	DefaultMaxAttempts = 5
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffMax  = 4 * time.Second
)

// Dispatcher sends each event to every sender at once, retrying each on its
// own. The zero value of each field means its default.
type Dispatcher struct {
	Senders []Sender
	// Deadline bounds one delivery, all its attempts and waits together, so
	// a dead webhook delays a deploy by at most this much.
	Deadline time.Duration
	// AttemptTimeout bounds one attempt (default: half the Deadline), so a
	// request lost on the way leaves time to try again.
	AttemptTimeout time.Duration
	MaxAttempts    int
	// BackoffBase is the wait after the first failure; each retry doubles
	// it up to BackoffMax, and jitter spreads it over [d/2, d] so several
	// kirikae runs never retry in lockstep.
	BackoffBase time.Duration
	BackoffMax  time.Duration
}

// New returns a Dispatcher with default timings.
func New(senders ...Sender) *Dispatcher { return &Dispatcher{Senders: senders} }

// Delivery is how one sender fared with one event.
type Delivery struct {
	Sender   string // Sender.Name(), never a full URL
	Attempts int
	Err      error // nil when delivered; safe to print and journal
	Duration time.Duration
}

// OK reports whether the event was delivered.
func (d Delivery) OK() bool { return d.Err == nil }

// Dispatch delivers e to every sender and waits for all of them. It returns
// one Delivery per sender, in the order of Senders, and no error: a failed
// notification must never fail the deploy it reports on, so the caller
// journals the failures and shows them as warnings (see Warnings). It never
// panics, even if a sender does.
//
// Pass a context that outlives the operation being reported: a deploy that
// failed because its context was cancelled still wants its "failed"
// message sent (context.WithoutCancel does that).
func (d *Dispatcher) Dispatch(ctx context.Context, e Event) []Delivery {
	if d == nil || len(d.Senders) == 0 {
		return nil
	}
	if e.ID == "" {
		e.ID = newID()
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	out := make([]Delivery, len(d.Senders))
	var wg sync.WaitGroup
	for i, s := range d.Senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = d.deliver(ctx, s, e)
		}()
	}
	wg.Wait()
	return out
}

// Warnings renders the failed deliveries as one line each, for the caller
// to show and journal.
func Warnings(ds []Delivery) []string {
	var w []string
	for _, d := range ds {
		if !d.OK() {
			w = append(w, fmt.Sprintf("notification to %s failed after %d attempt(s): %v", d.Sender, d.Attempts, d.Err))
		}
	}
	return w
}

func (d *Dispatcher) deliver(parent context.Context, s Sender, e Event) (res Delivery) {
	start := time.Now()
	res.Sender = "sender"
	defer func() {
		// A broken sender must not take the deploy down with it. The panic
		// value is left out: it may hold the URL.
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("notify %s: sender panicked", res.Sender)
		}
		res.Duration = time.Since(start)
	}()
	if s == nil {
		res.Err = errors.New("notify: nil sender")
		return res
	}
	res.Sender = s.Name()
	deadline := orDefault(d.Deadline, DefaultDeadline)
	ctx, cancel := context.WithTimeout(parent, deadline)
	defer cancel()
	attemptTimeout := orDefault(d.AttemptTimeout, deadline/2)
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	for {
		res.Attempts++
		actx, acancel := context.WithTimeout(ctx, attemptTimeout)
		err := s.Send(actx, e)
		// An attempt that ran out of its own time says nothing about the
		// next one; the sender cannot tell which deadline hit it.
		attemptTimedOut := actx.Err() != nil && ctx.Err() == nil
		acancel()
		if err == nil {
			res.Err = nil
			return res
		}
		res.Err = err
		if res.Attempts >= maxAttempts || ctx.Err() != nil || !(attemptTimedOut || retryable(err)) {
			break
		}
		wait := d.backoff(res.Attempts)
		if ra := retryAfterOf(err); ra > 0 {
			wait = ra
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			res.Err = fmt.Errorf("%w; gave up: the next attempt (in %s) would pass the %s deadline", err, wait.Round(time.Millisecond), deadline)
			return res
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		if ctx.Err() != nil {
			break
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
		res.Err = fmt.Errorf("%w; gave up at the %s deadline", res.Err, deadline)
	}
	return res
}

// backoff is the wait after the n-th failed attempt (n >= 1).
func (d *Dispatcher) backoff(n int) time.Duration {
	base := orDefault(d.BackoffBase, DefaultBackoffBase)
	ceiling := orDefault(d.BackoffMax, DefaultBackoffMax)
	w := base
	for i := 1; i < n && w < ceiling; i++ {
		w *= 2
	}
	w = min(w, ceiling)
	half := w / 2
	return half + mrand.N(w-half+1)
}

func retryable(err error) bool {
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	var ne net.Error
	return errors.As(err, &ne)
}

func retryAfterOf(err error) time.Duration {
	var se *StatusError
	// Retry-After comes with 429 and 503 (RFC 9110 §10.2.3); honour it on
	// any retryable status that carries it.
	if errors.As(err, &se) && se.Retryable() {
		return se.RetryAfter
	}
	return 0
}

func orDefault(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// newID names an event for receivers to drop duplicate deliveries.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
