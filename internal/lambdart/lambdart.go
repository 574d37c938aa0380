// Package lambdart serves the Lambda Runtime API for one execution
// environment, so a function's real `bootstrap` can run locally: start a
// Server, run the process with AWS_LAMBDA_RUNTIME_API=Server.Addr(), then
// Invoke events and get back what the function answered.
//
// The contract follows https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
// (API version 2018-06-01): the runtime long-polls GET
// /runtime/invocation/next, which returns the event with the
// Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn and
// -Trace-Id headers, and reports with POST /runtime/invocation/{id}/response
// or /error (202 Accepted); POST /runtime/init/error reports a failed
// initialisation, served in response to the first invoke.
package lambdart

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	apiPrefix = "/2018-06-01/runtime"

	headerRequestID   = "Lambda-Runtime-Aws-Request-Id"
	headerDeadline    = "Lambda-Runtime-Deadline-Ms"
	headerFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID     = "Lambda-Runtime-Trace-Id"
	headerErrorType   = "Lambda-Runtime-Function-Error-Type"
	// aws-lambda-go sends these as trailers when a response body fails
	// part-way through.
	trailerErrorType = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody = "Lambda-Runtime-Function-Error-Body"

	// maxResponse is Lambda's 6 MB limit on a synchronous invocation's
	// response (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
	maxResponse = 6 * 1024 * 1024

	// defaultTimeout is Lambda's default function timeout (3 s) and
	// defaultInitTimeout its 10 s limit on the Init phase
	// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html,
	// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
	defaultTimeout     = 3 * time.Second
	defaultInitTimeout = 10 * time.Second
)

// Options configure one execution environment.
type Options struct {
	// Timeout is the function timeout: how long an invocation may run
	// after the runtime picked it up. Default 3 s, as in Lambda.
	Timeout time.Duration
	// InitTimeout bounds the wait for the runtime to ask for an event
	// (its Init phase, or a process that never started). Default 10 s.
	InitTimeout time.Duration
	// FunctionARN is sent as Lambda-Runtime-Invoked-Function-Arn: the
	// function, version or alias the caller invoked.
	FunctionARN string
	// Listen opens the Runtime API's listener; nil listens on a free
	// 127.0.0.1 port. In Lambda only the function's own execution
	// environment reaches the Runtime API; on a shared machine loopback is
	// every local user's, so a host passes a listener that serves only its
	// own user (the sandbox passes core.ListenOwner): an invocation event
	// can carry secrets, and a response posted by anyone else would be
	// taken as the function's.
	// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
	Listen func() (net.Listener, error)
}

// Errors Invoke returns besides *FunctionError.
var (
	// ErrTimeout: the function did not answer before its deadline. As in
	// Lambda, the environment is then unusable: stop the process and start
	// a new Server.
	ErrTimeout = errors.New("function timed out")
	// ErrNotReady: the runtime never asked for the event within
	// InitTimeout (it crashed, hung in init, or was never started).
	ErrNotReady = errors.New("runtime did not request the invocation")
	// ErrClosed: the server was closed.
	ErrClosed = errors.New("runtime api closed")
)

// FunctionError is an error the function (or its runtime) reported, the
// payload Lambda's Invoke returns with X-Amz-Function-Error set.
type FunctionError struct {
	Type    string // errorType, e.g. "errorString", "Runtime.InitError"
	Message string // errorMessage
	Payload []byte // the raw error document the runtime posted
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("function error %s: %s", e.Type, e.Message)
}

// Server is the Runtime API of one execution environment: it hands one
// invocation at a time to the runtime, as Lambda does.
type Server struct {
	opts  Options
	ln    net.Listener
	http  *http.Server
	queue chan *invocation

	invokeMu sync.Mutex // one invocation at a time per environment

	mu       sync.Mutex
	inflight map[string]*invocation
	initErr  *FunctionError

	initFailed chan struct{}
	closed     chan struct{}
	closeOnce  sync.Once
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	picked   chan struct{}
	done     chan result
}

type result struct {
	payload []byte
	err     error
}

// Start listens on a free 127.0.0.1 port and serves the Runtime API.
func Start(opts Options) (*Server, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.InitTimeout <= 0 {
		opts.InitTimeout = defaultInitTimeout
	}
	listen := opts.Listen
	if listen == nil {
		listen = func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
	}
	ln, err := listen()
	if err != nil {
		return nil, fmt.Errorf("start runtime api: %w", err)
	}
	s := &Server{
		opts:       opts,
		ln:         ln,
		queue:      make(chan *invocation),
		inflight:   map[string]*invocation{},
		initFailed: make(chan struct{}),
		closed:     make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"/invocation/next", s.next)
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{id}/response", s.response)
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{id}/error", s.invocationError)
	mux.HandleFunc("POST "+apiPrefix+"/init/error", s.initError)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// Addr is the value for AWS_LAMBDA_RUNTIME_API (host:port, no scheme).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server. A runtime waiting for an event gets a 500, which
// the Runtime API defines as "non-recoverable, runtime should exit".
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("close runtime api: %w", err)
	}
	return nil
}

// Invoke hands event to the runtime and waits for its answer: the response
// payload, a *FunctionError, ErrTimeout, ErrNotReady, ErrClosed, or ctx's
// error.
func (s *Server) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	s.invokeMu.Lock()
	defer s.invokeMu.Unlock()
	inv := &invocation{id: newRequestID(), payload: event, picked: make(chan struct{}), done: make(chan result, 1)}
	if err := s.checkInit(); err != nil {
		return nil, err
	}
	initTimer := time.NewTimer(s.opts.InitTimeout)
	defer initTimer.Stop()
	select {
	case s.queue <- inv:
	case <-s.initFailed:
		return nil, s.checkInit()
	case <-initTimer.C:
		return nil, fmt.Errorf("invoke %s: %w within %s", inv.id, ErrNotReady, s.opts.InitTimeout)
	case <-s.closed:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-inv.picked // set by next before it answers, so deadline is known
	defer s.forget(inv.id)
	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case r := <-inv.done:
		return r.payload, r.err
	case <-timer.C:
		return nil, fmt.Errorf("invoke %s: %w after %s", inv.id, ErrTimeout, s.opts.Timeout)
	case <-s.closed:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Server) checkInit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initErr != nil {
		return s.initErr
	}
	return nil
}

func (s *Server) forget(id string) {
	s.mu.Lock()
	delete(s.inflight, id)
	s.mu.Unlock()
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-s.queue:
	case <-s.closed:
		writeError(w, http.StatusInternalServerError, "ServiceClosed", "runtime api closed")
		return
	case <-r.Context().Done():
		return
	}
	inv.deadline = time.Now().Add(s.opts.Timeout)
	s.mu.Lock()
	s.inflight[inv.id] = inv
	s.mu.Unlock()
	close(inv.picked)
	h := w.Header()
	h.Set(headerRequestID, inv.id)
	h.Set(headerDeadline, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set(headerFunctionARN, s.opts.FunctionARN)
	h.Set(headerTraceID, "Root=1-"+strconv.FormatInt(time.Now().Unix(), 16)+"-"+inv.id[:8]+";Sampled=0")
	h.Set("Content-Type", "application/json")
	_, _ = w.Write(inv.payload)
}

// take removes the in-flight invocation id, or answers 400 as the Runtime
// API does for a request id it does not know (already answered, timed out).
func (s *Server) take(w http.ResponseWriter, r *http.Request) *invocation {
	id := r.PathValue("id")
	s.mu.Lock()
	inv := s.inflight[id]
	delete(s.inflight, id)
	s.mu.Unlock()
	if inv == nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
	}
	return inv
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	inv := s.take(w, r)
	if inv == nil {
		return
	}
	body, tooLarge, err := readLimited(r)
	switch {
	case err != nil:
		inv.done <- result{err: fmt.Errorf("read function response: %w", err)}
		writeError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
	case tooLarge:
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxResponse)
		inv.done <- result{err: &FunctionError{Type: "Function.ResponseSizeTooLarge", Message: msg}}
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", msg)
	case r.Trailer.Get(trailerErrorType) != "":
		inv.done <- result{err: &FunctionError{
			Type:    r.Trailer.Get(trailerErrorType),
			Message: "response stream failed",
			Payload: []byte(r.Trailer.Get(trailerErrorBody)),
		}}
		writeAccepted(w)
	default:
		inv.done <- result{payload: body}
		writeAccepted(w)
	}
}

func (s *Server) invocationError(w http.ResponseWriter, r *http.Request) {
	inv := s.take(w, r)
	if inv == nil {
		return
	}
	body, _, _ := readLimited(r)
	inv.done <- result{err: functionError(r, body, "Unhandled")}
	writeAccepted(w)
}

func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	body, _, _ := readLimited(r)
	fe := functionError(r, body, "Runtime.InitError")
	s.mu.Lock()
	first := s.initErr == nil
	if first {
		s.initErr = fe
	}
	s.mu.Unlock()
	if first {
		close(s.initFailed)
	}
	writeAccepted(w)
}

// functionError reads the error document the runtime posts:
// {"errorMessage": …, "errorType": …}, with the type also in a header.
func functionError(r *http.Request, body []byte, fallbackType string) *FunctionError {
	var doc struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	_ = json.Unmarshal(body, &doc)
	fe := &FunctionError{Type: doc.Type, Message: doc.Message, Payload: body}
	if fe.Type == "" {
		fe.Type = r.Header.Get(headerErrorType)
	}
	if fe.Type == "" {
		fe.Type = fallbackType
	}
	return fe
}

func readLimited(r *http.Request) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r.Body, maxResponse+1))
	if err != nil {
		return nil, false, err
	}
	return body, len(body) > maxResponse, nil
}

func writeAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"OK"}`))
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"errorType": typ, "errorMessage": msg})
}

// newRequestID returns a random UUID (version 4), the shape of Lambda's
// request ids.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
