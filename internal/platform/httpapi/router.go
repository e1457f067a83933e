// Package httpapi is the HTTP plumbing every function shares: a router that
// knows its routes, JSON decoding and answering, and the problem+json mapping.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/logging"
)

// HandlerFunc is an HTTP handler that may fail; the router answers the error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Middleware wraps a HandlerFunc (authorization, for instance).
type Middleware func(HandlerFunc) HandlerFunc

// Router is a Go 1.22 ServeMux that remembers the routes it serves, so a test
// can compare them with template.yaml, and that answers unknown paths and
// methods with problem+json instead of text.
type Router struct {
	mux    *http.ServeMux
	routes []string
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	r := &Router{mux: http.NewServeMux()}
	r.mux.HandleFunc("/", r.notFound)
	return r
}

// Handle serves pattern ("METHOD /path/{param}") with h wrapped by mw, outermost first.
func (rt *Router) Handle(pattern string, h HandlerFunc, mw ...Middleware) {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	rt.routes = append(rt.routes, pattern)
	rt.mux.Handle(pattern, serve(h))
}

// Routes lists the patterns the router serves, sorted.
func (rt *Router) Routes() []string {
	out := slices.Clone(rt.routes)
	slices.Sort(out)
	return out
}

// ServeHTTP gives every request an id and a log line, and turns a panic into a 500.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = WithRequestID(w, r)
	ctx := r.Context()
	rec := &statusRecorder{ResponseWriter: w}
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			err := apperr.Internalf("panic", fmt.Errorf("%v", p))
			if rec.status == 0 {
				WriteError(ctx, rec, err) // logs it
			} else { // the answer had begun: only the log can tell
				logFailure(ctx, http.StatusInternalServerError, err, err)
			}
		}
		slog.InfoContext(ctx, "request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration_ms", time.Since(start).Milliseconds())
	}()
	rt.mux.ServeHTTP(rec, r)
}

// WithRequestID returns r with its request id in the context, and sets it
// as the X-Request-Id of the answer. The id is the one already in the
// context (API Gateway's), else the caller's X-Request-Id, else a new one.
func WithRequestID(w http.ResponseWriter, r *http.Request) *http.Request {
	ctx := r.Context()
	id := logging.RequestID(ctx)
	if id == "" {
		id = r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 128 {
			id = newRequestID()
		}
		r = r.WithContext(logging.WithRequestID(ctx, id))
	}
	w.Header().Set("X-Request-Id", id)
	return r
}

func serve(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(r.Context(), w, err)
		}
	})
}

// notFound answers paths no route matches, telling a wrong method from a wrong path.
func (rt *Router) notFound(w http.ResponseWriter, r *http.Request) {
	if allow := rt.allowed(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		WriteError(r.Context(), w, apperr.Newf(apperr.MethodNotAllowed, "method_not_allowed",
			"%s is not allowed on %s", r.Method, r.URL.Path))
		return
	}
	WriteError(r.Context(), w, apperr.Newf(apperr.NotFound, "not_found", "no route for %s %s", r.Method, r.URL.Path))
}

func (rt *Router) allowed(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(context.Background())
		probe.Method = m
		if _, pattern := rt.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// statusRecorder remembers the status for the access log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}
