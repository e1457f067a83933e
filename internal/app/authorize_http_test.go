package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// fakeAuthorizer answers resp (or err, or panics), remembering the
// requests it was given.
type fakeAuthorizer struct {
	resp  events.APIGatewayV2CustomAuthorizerSimpleResponse
	err   error
	panic bool
	got   []events.APIGatewayV2CustomAuthorizerV2Request
}

func (f *fakeAuthorizer) authorize(_ context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	f.got = append(f.got, req)
	if f.panic {
		panic("boom")
	}
	return f.resp, f.err
}

func verdict(s principal.Session) events.APIGatewayV2CustomAuthorizerSimpleResponse {
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: s.AuthorizerContext()}
}

// guarded is a route behind RequireSession, as every route the session
// authorizer guards is, behind Authorize.
func guarded(a Authorizer) http.Handler {
	rt := httpapi.NewRouter()
	rt.Handle("POST /items/{id}", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{
			"subject": principal.From(r.Context()).Subject, "session": principal.SessionOf(r.Context()).SessionID,
		})
		return nil
	}, principal.RequireSession)
	mux := http.NewServeMux()
	mux.Handle("POST /items/{id}", Authorize(a, "POST /items/{id}", rt))
	return mux
}

func send(h http.Handler, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/items/42", nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func body(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	return m
}

// API Gateway's own answers: no identity source, a failing authorizer, a
// refusal. None of them reaches the function.
func TestAuthorizeAnswersAsAPIGatewayDoes(t *testing.T) {
	ok := verdict(principal.Session{Verdict: principal.VerdictOK, ClientID: "c1", SessionID: "s1", Scope: principal.ScopeFull})
	cases := []struct {
		name    string
		fake    fakeAuthorizer
		token   string
		status  int
		message string
		calls   int
	}{
		{"no Authorization header", fakeAuthorizer{resp: ok}, "", 401, "Unauthorized", 0},
		{"an error", fakeAuthorizer{err: errors.New("table unreachable")}, "t", 500, "Internal Server Error", 1},
		{"a panic", fakeAuthorizer{panic: true}, "t", 500, "Internal Server Error", 1},
		{"isAuthorized false", fakeAuthorizer{resp: events.APIGatewayV2CustomAuthorizerSimpleResponse{}}, "t", 403, "Forbidden", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := send(guarded(c.fake.authorize), c.token)
			if rec.Code != c.status || rec.Header().Get("Content-Type") != "application/json" || body(t, rec)["message"] != c.message {
				t.Fatalf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if len(c.fake.got) != c.calls {
				t.Fatalf("the authorizer was called %d times, want %d", len(c.fake.got), c.calls)
			}
		})
	}
}

// The verdict reaches the handler: ok admits the session's client; any
// other is RequireSession's problem answer.
func TestAuthorizePassesTheVerdict(t *testing.T) {
	fake := &fakeAuthorizer{resp: verdict(principal.Session{Verdict: principal.VerdictOK, ClientID: "c1", SessionID: "s1", Scope: principal.ScopeFull})}
	rec := send(guarded(fake.authorize), "t")
	if m := body(t, rec); rec.Code != 200 || m["subject"] != "c1" || m["session"] != "s1" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	for v, want := range map[string]int{
		principal.VerdictExpired:         401,
		principal.VerdictUnauthenticated: 401,
		principal.VerdictForbidden:       403,
		principal.VerdictUnavailable:     503,
	} {
		fake := &fakeAuthorizer{resp: verdict(principal.Session{Verdict: v})}
		rec := send(guarded(fake.authorize), "t")
		if m := body(t, rec); rec.Code != want || rec.Header().Get("Content-Type") != "application/problem+json" || m["code"] != v {
			t.Errorf("verdict %s: %d %s", v, rec.Code, rec.Body)
		}
	}
}

// The context goes through JSON as it does between Lambda, API Gateway and
// the function: a value that is no string there is none here.
func TestAuthorizerContextGoesThroughJSON(t *testing.T) {
	fake := &fakeAuthorizer{resp: events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true,
		Context: map[string]any{"verdict": "ok", "client_id": 7, "session_id": "s1", "scope": "full"}}}
	if rec := send(guarded(fake.authorize), "t"); rec.Code != 401 || body(t, rec)["code"] != "unauthenticated" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

// The authorizer gets the request API Gateway would send it.
func TestAuthorizerRequestIsAPIGatewaysPayload(t *testing.T) {
	fake := &fakeAuthorizer{resp: verdict(principal.Session{Verdict: principal.VerdictOK, ClientID: "c1", SessionID: "s1", Scope: principal.ScopeFull})}
	r := httptest.NewRequest(http.MethodPost, "/items/42?a=1&a=2", nil)
	r.RemoteAddr = "198.51.100.7:5555"
	r.Header.Set("Authorization", "Bearer tok")
	r.Header.Set("X-Trace", "one")
	r.Header.Add("X-Trace", "two")
	r.Header.Set("Cookie", "a=1; b=2")
	r.Header.Set("X-Request-Id", "req-7")
	rec := httptest.NewRecorder()
	guarded(fake.authorize).ServeHTTP(rec, r)
	if rec.Code != 200 || len(fake.got) != 1 {
		t.Fatalf("%d %s, %d calls", rec.Code, rec.Body, len(fake.got))
	}
	got := fake.got[0]
	if got.Version != "2.0" || got.Type != "REQUEST" || got.RouteKey != "POST /items/{id}" || got.RawPath != "/items/42" ||
		got.RawQueryString != "a=1&a=2" || got.QueryStringParameters["a"] != "1,2" {
		t.Fatalf("request %+v", got)
	}
	if !slices.Equal(got.IdentitySource, []string{"Bearer tok", "POST /items/{id}"}) {
		t.Fatalf("identity source %q", got.IdentitySource)
	}
	if got.Headers["authorization"] != "Bearer tok" || got.Headers["x-trace"] != "one,two" || got.Headers["Authorization"] != "" ||
		got.Headers["cookie"] != "" || !slices.Equal(got.Cookies, []string{"a=1", "b=2"}) {
		t.Fatalf("headers %v, cookies %v", got.Headers, got.Cookies)
	}
	if got.PathParameters["id"] != "42" {
		t.Fatalf("path parameters %v", got.PathParameters)
	}
	h := got.RequestContext.HTTP
	if h.Method != "POST" || h.Path != "/items/42" || h.SourceIP != "198.51.100.7" || got.RequestContext.RouteKey != "POST /items/{id}" {
		t.Fatalf("request context %+v", got.RequestContext)
	}
	if got.RequestContext.RequestID != "req-7" || rec.Header().Get("X-Request-Id") != "req-7" {
		t.Fatalf("request id %q, answer's %q", got.RequestContext.RequestID, rec.Header().Get("X-Request-Id"))
	}
}

// Behind API Gateway (the Lambda path) the source address is the one it
// vouches for, not the connection's.
func TestAuthorizerRequestUsesTheVouchedSourceIP(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r = r.WithContext(httpapi.WithSourceIP(r.Context(), "203.0.113.5"))
	if got := AuthorizerRequest(r, "GET /x").RequestContext.HTTP.SourceIP; got != "203.0.113.5" {
		t.Fatalf("source IP %q", got)
	}
}
