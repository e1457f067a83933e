// Package httpapi is the HTTP plumbing every function shares: a router that
// knows its routes, JSON decoding and answering, and the problem+json mapping.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
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

// ServeHTTP gives every request an id, a caller (its source address, and
// its subject once authorization knows it) and a log line, and turns a
// panic into a 500.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = WithRequestID(w, r)
	r = withCaller(r)
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
			"status", rec.status, "duration_ms", time.Since(start).Milliseconds(),
			"subject", Subject(ctx), "source_ip", SourceIP(ctx))
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
		if c := callerOf(r.Context()); c != nil && r.Pattern != "" {
			c.route = r.Pattern // "POST /admin/config/security/test-sms", not the path
		}
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

// Who is calling, for the log lines of a request, above all those of
// authentication decisions. The source address is what the platform
// vouches for: API Gateway's sourceIp in Lambda (WithSourceIP), else the
// connection's remote address. X-Forwarded-For is never read: any caller
// can write it. The subject is set by the authorization middleware, which
// runs inside the route while the error of a refused request is logged
// outside it: so the caller is a pointer in the context, filled in as the
// request goes.
type caller struct {
	sourceIP string
	route    string // the route's pattern, or the method and path when none matched
	subject  string
}

type callerKey struct{}
type sourceIPKey struct{}

// WithSourceIP returns ctx carrying the caller's address as the platform
// in front of the service saw it. Only the Lambda entry point calls it;
// nothing a caller sends can set it.
func WithSourceIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, sourceIPKey{}, ip)
}

// SourceIP is the address of the caller of the request ctx belongs to, or
// "" outside a request.
func SourceIP(ctx context.Context) string {
	if c := callerOf(ctx); c != nil {
		return c.sourceIP
	}
	ip, _ := ctx.Value(sourceIPKey{}).(string)
	return ip
}

// SetSubject records who is calling (an admin's or client's subject) for
// the request's log lines. Authorization calls it once it knows.
func SetSubject(ctx context.Context, subject string) {
	if c := callerOf(ctx); c != nil {
		c.subject = subject
	}
}

// Subject is the subject SetSubject recorded for the request, or "".
func Subject(ctx context.Context) string {
	if c := callerOf(ctx); c != nil {
		return c.subject
	}
	return ""
}

// route is the route the request matched, for its log lines.
func route(ctx context.Context) string {
	if c := callerOf(ctx); c != nil {
		return c.route
	}
	return ""
}

func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// withCaller returns r with its caller in the context. The address the
// Lambda entry point put there wins over the remote address.
func withCaller(r *http.Request) *http.Request {
	ctx := r.Context()
	ip, _ := ctx.Value(sourceIPKey{}).(string)
	if ip == "" {
		ip = remoteHost(r.RemoteAddr)
	}
	c := &caller{sourceIP: ip, route: r.Method + " " + r.URL.Path}
	return r.WithContext(context.WithValue(ctx, callerKey{}, c))
}

// remoteHost is the host of a "host:port" remote address, or the address
// itself when it has no port.
func remoteHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
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
