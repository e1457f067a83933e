// Package runtimeapi is a small Lambda Runtime API (version 2018-06-01) for
// one function process: the HTTP API a Lambda sandbox offers a custom
// runtime at $AWS_LAMBDA_RUNTIME_API. The cold-start benchmark starts a
// function binary against it, hands it one event and times the answers.
//
// It serves the four calls a runtime makes:
//
//	GET  /2018-06-01/runtime/invocation/next           the next event (blocks until there is one)
//	POST /2018-06-01/runtime/invocation/{id}/response  the event's result
//	POST /2018-06-01/runtime/invocation/{id}/error     the event failed
//	POST /2018-06-01/runtime/init/error                the runtime could not start
//
// Everything is bounded, since a broken function must not hang the
// benchmark: it listens on loopback only, every wait has a time limit,
// bodies have size limits (Lambda's own), and at most one invocation is
// queued or in flight at a time, as in a Lambda sandbox.
package runtimeapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// The Lambda limits this server applies.
const (
	// MaxResponseBytes is Lambda's limit on a synchronous response.
	MaxResponseBytes = 6 << 20
	// maxErrorBytes bounds an error report (a message and a stack trace).
	maxErrorBytes = 1 << 20
)

// Headers of the next-invocation answer; aws-lambda-go reads these (it
// fails an invocation whose deadline it cannot parse).
const (
	HeaderRequestID   = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadline    = "Lambda-Runtime-Deadline-Ms"
	HeaderFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID     = "Lambda-Runtime-Trace-Id"
	// HeaderErrorType names the error on /error and /init/error posts, and
	// is the trailer aws-lambda-go adds when reading a response body fails.
	HeaderErrorType = "Lambda-Runtime-Function-Error-Type"
	trailerErrBody  = "Lambda-Runtime-Function-Error-Body"
)

// Options configures a Server. Zero values take the defaults.
type Options struct {
	FunctionName string        // for the invoked function ARN (default "function")
	Region       string        // for the ARN (default us-east-1)
	Timeout      time.Duration // the function's timeout: the deadline a /next hands out (default 10s)
	// NextWait bounds how long a /next waits for an event before it is
	// answered 503, which makes aws-lambda-go exit (default 60s).
	NextWait time.Duration
	// MaxResponseBytes bounds a /response body (default MaxResponseBytes).
	MaxResponseBytes int64
}

func (o Options) withDefaults() Options {
	if o.FunctionName == "" {
		o.FunctionName = "function"
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.NextWait <= 0 {
		o.NextWait = 60 * time.Second
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = MaxResponseBytes
	}
	return o
}

// Result is how the runtime answered one invocation.
type Result struct {
	RequestID string
	FetchedAt time.Time      // the runtime's /next received the event
	DoneAt    time.Time      // its /response or /error was read in full
	Body      []byte         // the response payload (nil when Err is set)
	Err       *FunctionError // the invocation failed
}

// ErrBusy is Invoke's answer while another invocation is queued or in flight.
var ErrBusy = errors.New("runtimeapi: an invocation is already queued or in flight")

// Server is the Runtime API of one function process.
type Server struct {
	opt     Options
	ln      net.Listener
	http    *http.Server
	queue   chan *invocation // holds at most the one pending invocation
	initErr chan *FunctionError
	closed  chan struct{}
	close   sync.Once

	mu        sync.Mutex
	pending   *invocation     // queued or in flight, until answered
	inFlight  *invocation     // handed out by /next, not yet answered
	answered  map[string]bool // request ids already answered
	firstNext time.Time
}

type invocation struct {
	id      string
	event   []byte
	fetched time.Time
	done    chan Result // buffered: the handler never waits for Invoke
}

// Start listens on a free loopback port and serves until Close.
func Start(opt Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: listen: %w", err)
	}
	s := &Server{
		opt:     opt.withDefaults(),
		ln:      ln,
		queue:   make(chan *invocation, 1),
		initErr: make(chan *FunctionError, 1),
		closed:  make(chan struct{}),
	}
	s.answered = map[string]bool{}
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,               // a whole response body
		WriteTimeout:      s.opt.NextWait + 5*time.Second, // a /next may wait NextWait first
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

func (s *Server) routes() *http.ServeMux {
	const base = "/2018-06-01/runtime"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base+"/invocation/next", s.next)
	mux.HandleFunc("POST "+base+"/invocation/{id}/response", s.response)
	mux.HandleFunc("POST "+base+"/invocation/{id}/error", s.invocationError)
	mux.HandleFunc("POST "+base+"/init/error", s.initError)
	return mux
}

// Addr is the value for AWS_LAMBDA_RUNTIME_API ("127.0.0.1:port").
func (s *Server) Addr() string { return s.ln.Addr().String() }

// FirstNext is when the runtime first asked for an event: the end of its
// init phase. Zero until then.
func (s *Server) FirstNext() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstNext
}

// Close releases any waiting /next and stops the server.
func (s *Server) Close() error {
	s.close.Do(func() { close(s.closed) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		return s.http.Close()
	}
	return nil
}

// Invoke hands event to the runtime's next /next and waits for its answer,
// an init error, or ctx's end (give ctx a timeout, and cancel it when the
// process exits). A function error is a Result with Err set, not an error.
func (s *Server) Invoke(ctx context.Context, event []byte) (Result, error) {
	inv, err := s.enqueue(event)
	if err != nil {
		return Result{}, err
	}
	defer s.forget(inv)
	select {
	case r := <-inv.done:
		return r, nil
	case e := <-s.initErr:
		return Result{}, &InitError{Report: e}
	case <-s.closed:
		return Result{}, errors.New("runtimeapi: server closed")
	case <-ctx.Done():
		return Result{}, fmt.Errorf("runtimeapi: invocation %s: %w", inv.id, ctx.Err())
	}
}

func (s *Server) enqueue(event []byte) (*invocation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending != nil {
		return nil, ErrBusy
	}
	inv := &invocation{id: newRequestID(), event: event, done: make(chan Result, 1)}
	s.pending = inv
	s.queue <- inv // never blocks: pending was nil, so the queue is empty
	return inv, nil
}

// forget drops inv once Invoke returns, answered or not, so that the next
// Invoke may start; a late answer to it then gets 400.
func (s *Server) forget(inv *invocation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case q := <-s.queue:
		if q != inv {
			s.queue <- q
		}
	default:
	}
	if s.pending == inv {
		s.pending = nil
	}
	if s.inFlight == inv {
		s.inFlight = nil
	}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
