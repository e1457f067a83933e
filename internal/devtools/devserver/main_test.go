package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/messaging"
)

func TestDevRoutesAnswerLikeTheFunctions(t *testing.T) {
	box := &messaging.Outbox{}
	box.Add(messaging.OutboxItem{Channel: "sms", To: "+447911123456", Kind: "otp", Message: "hello"})
	h := devRoutes(box)

	cases := []struct {
		method, path string
		status       int
		code         string // problem code; "" for the outbox listing
	}{
		{"GET", "/_dev/outbox", 200, ""},
		{"GET", "/admin/config/nope", 404, "not_found"},
		{"POST", "/_dev/outbox", 405, "method_not_allowed"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		id := rec.Header().Get("X-Request-Id")
		if rec.Code != c.status || id == "" {
			t.Fatalf("%s %s: %d, X-Request-Id %q", c.method, c.path, rec.Code, id)
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		if c.code == "" {
			if items, _ := body["items"].([]any); len(items) != 1 {
				t.Fatalf("outbox %s", rec.Body)
			}
			continue
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" || body["code"] != c.code || body["request_id"] != id {
			t.Fatalf("%s %s: %s %s", c.method, c.path, ct, rec.Body)
		}
	}
}

// A function's routes and the dev routes share one mux: a path no
// function serves still gets the problem answer.
func TestUnknownPathsReachTheDevRouter(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /admin/config/general", http.NotFoundHandler())
	mux.Handle("/", devRoutes(&messaging.Outbox{}))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("PUT", "/admin/config/general", nil))
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" || rec.Header().Get("X-Request-Id") == "" {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

// next records whether a request got through to the routes.
type next struct{ reached bool }

func (n *next) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	n.reached = true
	w.WriteHeader(http.StatusOK)
}

// Only pages served from this machine may call the dev server from a
// browser; a request from any other origin is refused before any route
// runs, so its side effects (a test SMS) never happen either.
func TestCORSAllowsOnlyLocalOrigins(t *testing.T) {
	for _, c := range []struct {
		origin string
		ok     bool
	}{
		{"http://localhost:5173", true},
		{"http://localhost", true},
		{"http://127.0.0.1:8080", true},
		{"https://localhost:3001", true},
		{"http://[::1]:3000", true},
		{"https://evil.example", false},
		{"http://localhost.evil.example", false},
		{"http://127.0.0.1.nip.io:3000", false},
		{"http://evil.example:3000#http://localhost:3000", false},
		{"http://localhost:3000/path", false},
		{"http://user@localhost:3000", false},
		{"null", false}, // a sandboxed iframe, a file:// page
		{"file://", false},
		{"http://192.168.1.20:3000", false},
	} {
		for _, preflight := range []bool{false, true} {
			n := &next{}
			req := httptest.NewRequest(http.MethodGet, "/admin/config/general", nil)
			if preflight {
				req = httptest.NewRequest(http.MethodOptions, "/admin/config/security/test-sms", nil)
				req.Header.Set("Access-Control-Request-Method", "POST")
			}
			req.Header.Set("Origin", c.origin)
			rec := httptest.NewRecorder()
			withCORS(n).ServeHTTP(rec, req)
			allow := rec.Header().Get("Access-Control-Allow-Origin")
			if rec.Header().Get("Vary") != "Origin" {
				t.Errorf("%s: no Vary: Origin", c.origin)
			}
			switch {
			case c.ok && preflight:
				if rec.Code != http.StatusNoContent || allow != c.origin || n.reached ||
					!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "authorization") {
					t.Errorf("preflight from %s: %d, allow %q, reached %v", c.origin, rec.Code, allow, n.reached)
				}
			case c.ok:
				if rec.Code != http.StatusOK || allow != c.origin || !n.reached {
					t.Errorf("GET from %s: %d, allow %q, reached %v", c.origin, rec.Code, allow, n.reached)
				}
			default:
				if rec.Code != http.StatusForbidden || allow != "" || n.reached ||
					rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s from %s: %d, allow %q, reached %v", req.Method, c.origin, rec.Code, allow, n.reached)
				}
			}
		}
	}
	// No Origin: not a cross-origin browser request (curl, a test).
	n, rec := &next{}, httptest.NewRecorder()
	withCORS(n).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_dev/outbox", nil))
	if !n.reached || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a request without Origin: reached %v, headers %v", n.reached, rec.Header())
	}
}

// Listening on the loopback address, the server answers only requests
// addressed to a loopback name: a page of a site an attacker re-points to
// 127.0.0.1 is same-origin for the browser, but its Host gives it away.
func TestLoopbackServerAnswersOnlyLoopbackHosts(t *testing.T) {
	for _, c := range []struct {
		listen, host string
		ok           bool
	}{
		{"127.0.0.1", "localhost:3000", true},
		{"127.0.0.1", "LOCALHOST:3000", true},
		{"127.0.0.1", "127.0.0.1:3000", true},
		{"127.0.0.1", "[::1]:3000", true},
		{"127.0.0.1", "localhost", true},
		{"127.0.0.1", "rebound.evil.example:3000", false},
		{"127.0.0.1", "192.168.1.20:3000", false},
		{"::1", "rebound.evil.example:3000", false},
		{"localhost", "rebound.evil.example", false},
		// HOST=0.0.0.0 (a container) is reached under any name.
		{"0.0.0.0", "devbox.internal:3000", true},
	} {
		n := &next{}
		req := httptest.NewRequest(http.MethodGet, "/_dev/outbox", nil)
		req.Host = c.host
		rec := httptest.NewRecorder()
		handler(n, c.listen).ServeHTTP(rec, req)
		if n.reached != c.ok || (!c.ok && rec.Code != http.StatusForbidden) {
			t.Errorf("listening on %s, Host %s: %d, reached %v", c.listen, c.host, rec.Code, n.reached)
		}
	}
}

func TestListensOnLoopbackByDefault(t *testing.T) {
	t.Setenv("HOST", "")
	if h := listenHost(); h != "127.0.0.1" || !loopback(h) {
		t.Fatalf("default host %q", h)
	}
	t.Setenv("HOST", "0.0.0.0")
	if h := listenHost(); h != "0.0.0.0" || loopback(h) {
		t.Fatalf("HOST=0.0.0.0 gives %q", h)
	}
}
