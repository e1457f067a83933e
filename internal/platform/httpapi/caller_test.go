package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/logtest"
)

func TestSourceIP(t *testing.T) {
	cases := []struct {
		name, remote, lambda, forwarded, want string
	}{
		{name: "remote address", remote: "192.0.2.7:51234", want: "192.0.2.7"},
		{name: "IPv6 remote address", remote: "[2001:db8::5]:443", want: "2001:db8::5"},
		{name: "no port", remote: "192.0.2.8", want: "192.0.2.8"},
		{name: "API Gateway's wins", remote: "10.0.0.1:1", lambda: "198.51.100.9", want: "198.51.100.9"},
		// Anyone can write X-Forwarded-For; only the connection and API Gateway count.
		{name: "forwarded-for is ignored", remote: "192.0.2.7:1", forwarded: "203.0.113.66", want: "192.0.2.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got string
			rt := NewRouter()
			rt.Handle("GET /ip", func(w http.ResponseWriter, r *http.Request) error {
				got = SourceIP(r.Context())
				w.WriteHeader(http.StatusNoContent)
				return nil
			})
			r := httptest.NewRequest("GET", "/ip", nil)
			r.RemoteAddr = c.remote
			if c.forwarded != "" {
				r.Header.Set("X-Forwarded-For", c.forwarded)
			}
			if c.lambda != "" {
				r = r.WithContext(WithSourceIP(r.Context(), c.lambda))
			}
			rt.ServeHTTP(httptest.NewRecorder(), r)
			if got != c.want {
				t.Fatalf("SourceIP %q, want %q", got, c.want)
			}
		})
	}
}

// Refusals an incident responder looks for are logged at info or warn
// level with the subject, the route's pattern and the source address, and
// with neither the code the caller sent nor its token.
func TestAuthenticationDecisionsAreLogged(t *testing.T) {
	const code, token = "493817", "eyJhbGciOiJSUzI1NiJ9.secret-token"
	cases := []struct {
		name, subject string
		err           error
		level         string
	}{
		{"wrong code", "admin-7", apperr.New(apperr.BadRequest, "otp_invalid", "wrong code; 4 attempts left"), "INFO"},
		{"expired code", "admin-7", apperr.New(apperr.BadRequest, "otp_expired", "the code expired; request a new one"), "INFO"},
		{"attempts exhausted", "admin-7", apperr.New(apperr.RateLimited, "otp_attempts_exhausted", "too many wrong codes"), "WARN"},
		{"locked", "admin-7", retryAfter(apperr.New(apperr.RateLimited, "otp_locked", "too many wrong codes"), 10*time.Minute), "WARN"},
		{"rate limited", "admin-7", retryAfter(apperr.New(apperr.RateLimited, "rate_limited", "too many SMS"), 30*time.Second), "WARN"},
		{"unauthenticated", "", apperr.New(apperr.Unauthenticated, "unauthenticated", "an admin bearer token is required"), "WARN"},
		{"forbidden", "client-42", apperr.New(apperr.Forbidden, "forbidden", "for admins only"), "WARN"},
		{"premium number", "admin-7", apperr.New(apperr.Invalid, "invalid_phone", "premium-rate numbers are refused"), "INFO"},
		{"validation stays quiet", "admin-7", apperr.New(apperr.Invalid, "invalid", "bad field"), "DEBUG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			identify := func(next HandlerFunc) HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) error {
					SetSubject(r.Context(), c.subject)
					return next(w, r)
				}
			}
			rt := NewRouter()
			rt.Handle("POST /codes/{id}/verify", func(http.ResponseWriter, *http.Request) error { return c.err }, identify)
			r := httptest.NewRequest("POST", "/codes/ch-1/verify", strings.NewReader(`{"code":"`+code+`"}`))
			r.Header.Set("Authorization", "Bearer "+token)
			r.RemoteAddr = "192.0.2.7:4711"
			lines := logtest.Capture(t, func() { rt.ServeHTTP(httptest.NewRecorder(), r) })

			raw, _ := json.Marshal(lines)
			if strings.Contains(string(raw), code) || strings.Contains(string(raw), "secret-token") {
				t.Fatalf("the logs hold the code or the token: %s", raw)
			}
			l := lineWithMessage(t, lines, "request rejected")
			if l["level"] != c.level || l["code"] != apperr.CodeOf(c.err) || l["subject"] != c.subject ||
				l["route"] != "POST /codes/{id}/verify" || l["source_ip"] != "192.0.2.7" {
				t.Fatalf("log line %v, want level %s with subject, route and source address", l, c.level)
			}
			if e, _ := apperr.As(c.err); e.RetryAfter > 0 && l["retry_after_ms"] != float64(e.RetryAfter.Milliseconds()) {
				t.Fatalf("log line %v lacks the retry delay", l)
			}
			access := lineWithMessage(t, lines, "request")
			if access["subject"] != c.subject || access["source_ip"] != "192.0.2.7" {
				t.Fatalf("access line %v lacks who and where", access)
			}
		})
	}
}

// A request that matched no route is logged with its method and path.
func TestUnmatchedRoutesAreLoggedWithTheirPath(t *testing.T) {
	rt := NewRouter()
	r := httptest.NewRequest("GET", "/nowhere", nil)
	lines := logtest.Capture(t, func() { rt.ServeHTTP(httptest.NewRecorder(), r) })
	if l := lineWithMessage(t, lines, "request rejected"); l["route"] != "GET /nowhere" || l["subject"] != "" {
		t.Fatalf("log line %v", l)
	}
}

// Outside a request there is no caller to record or report.
func TestCallerOutsideARequest(t *testing.T) {
	ctx := t.Context()
	SetSubject(ctx, "nobody") // must not panic
	if Subject(ctx) != "" || SourceIP(ctx) != "" || route(ctx) != "" {
		t.Fatal("a caller outside a request")
	}
	if SourceIP(WithSourceIP(ctx, "198.51.100.9")) != "198.51.100.9" {
		t.Fatal("WithSourceIP lost the address")
	}
}

func retryAfter(e *apperr.Error, d time.Duration) *apperr.Error {
	e.RetryAfter = d
	return e
}

func lineWithMessage(t *testing.T, lines []map[string]any, msg string) map[string]any {
	t.Helper()
	for _, l := range lines {
		if l["msg"] == msg {
			return l
		}
	}
	t.Fatalf("no %q line in %v", msg, lines)
	return nil
}
