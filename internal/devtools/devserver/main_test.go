package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
