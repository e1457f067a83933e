package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"clientarea/internal/devtools/samtemplate"
)

func specOperations(t *testing.T) []operation {
	t.Helper()
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	ops, err := loadOperations(filepath.Join(tpl.Dir, "docs", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// The operations and the credential each takes, as the driver reads them
// from docs/openapi.yaml.
func TestLoadOperations(t *testing.T) {
	ops := specOperations(t)
	byID := map[string]operation{}
	for _, o := range ops {
		byID[o.ID] = o
	}
	for id, want := range map[string]string{
		"getGeneralConfig":      "adminJwt",      // the document's default
		"signUp":                "",              // security: []
		"getMe":                 "clientSession", // its own
		"consumeOperationToken": "serviceIam",
	} {
		o, ok := byID[id]
		if !ok {
			t.Fatalf("no operation %s", id)
		}
		if got := strings.Join(o.Schemes, ","); got != want {
			t.Errorf("%s: schemes %q, want %q", id, got, want)
		}
	}
	if o := byID["endSession"]; o.pattern() != "DELETE /me/sessions/{id}" {
		t.Errorf("endSession is %q", o.pattern())
	}
}

// The coverage check counts, per operation, the requests the server
// logged, and which of them got past authentication.
func TestAnalyse(t *testing.T) {
	ops := []operation{
		{Method: "GET", Path: "/admin/config/general", ID: "getGeneralConfig", Schemes: []string{"adminJwt"}},
		{Method: "DELETE", Path: "/me/sessions/{id}", ID: "endSession", Schemes: []string{"clientSession"}},
		{Method: "POST", Path: "/auth/login", ID: "logIn"},
		{Method: "POST", Path: "/auth/refresh", ID: "refreshSession"},
	}
	log := strings.Join([]string{
		"Client Area dev server on http://127.0.0.1:1", // start-up lines are skipped
		`{"level":"INFO","msg":"request","method":"GET","path":"/admin/config/general","status":200,"subject":"dev-admin"}`,
		`{"level":"INFO","msg":"request","method":"GET","path":"/admin/config/general","status":401,"subject":""}`,
		`{"level":"INFO","msg":"request","method":"DELETE","path":"/me/sessions/abc","status":401,"subject":""}`,
		`{"level":"INFO","msg":"request","method":"DELETE","path":"/me/sessions/abc","status":404,"subject":""}`,
		`{"level":"INFO","msg":"request","method":"POST","path":"/auth/login","status":401,"subject":""}`,
		`{"level":"INFO","msg":"request","method":"PUT","path":"/auth/login","status":404,"subject":""}`,
		`{"level":"ERROR","msg":"request failed","status":500}`,
	}, "\n")
	cov, err := analyse(strings.NewReader(log), ops)
	if err != nil {
		t.Fatal(err)
	}
	general := cov.stats["GET /admin/config/general"]
	if general.requests != 2 || general.admitted != 1 || general.statuses[200] != 1 || general.statuses[401] != 1 {
		t.Errorf("GET /admin/config/general: %+v", general)
	}
	if cov.other != 1 || len(cov.errors) != 1 {
		t.Errorf("other %d, errors %d; want 1, 1", cov.other, len(cov.errors))
	}
	var problems []string
	for _, err := range cov.Problems() {
		problems = append(problems, err.Error())
	}
	want := []string{
		// A 404 that names no caller is no proof the session was taken.
		"DELETE /me/sessions/{id} (endSession): no request got past authentication",
		// An anonymous operation's 401 (wrong password) is its answer, but
		// nothing reached it here but that.
		"POST /auth/login (logIn): no request got past authentication",
		"POST /auth/refresh (refreshSession) was never called",
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

// The proxy sends the alias as the live session, logs in again once the
// server refuses that session on a session operation, and passes every
// answer on as it is.
func TestSessionProxy(t *testing.T) {
	var mu sync.Mutex
	live := map[string]bool{"first": true}
	var seen []string
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		seen = append(seen, r.Method+" "+r.URL.Path+" "+tok)
		switch {
		case r.URL.Path == "/auth/logout" && live[tok]:
			delete(live, tok)
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/auth/login":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":"invalid_credentials"}`)
		case !live[tok]:
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":"unauthenticated","detail":"the session is not valid"}`)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	defer backend.Close()
	ops := []operation{
		{Method: "POST", Path: "/auth/logout", Schemes: []string{"clientSession"}},
		{Method: "GET", Path: "/me", Schemes: []string{"clientSession"}},
	}
	logins := 0
	login := func(context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		logins++
		tok := fmt.Sprintf("renewed%d", logins)
		live[tok] = true
		return tok, nil
	}
	p, err := startSessionProxy(backend.URL, "first", newMatcher(ops, func(o operation) bool { return o.Uses("clientSession") }), login)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	call := func(method, path, token string) (int, string) {
		req, _ := http.NewRequest(method, p.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	steps := []struct {
		method, path, token string
		status              int
		body                string
	}{
		{"GET", "/me", "first", 200, `{"ok":true}`},
		{"POST", "/auth/logout", "first", 204, ""},                                                     // ends the live session
		{"GET", "/me", "first", 401, `{"code":"unauthenticated","detail":"the session is not valid"}`}, // as it is; then a login
		{"GET", "/me", "first", 200, `{"ok":true}`},                                                    // the alias is the new session
		{"GET", "/me", "garbage", 401, ""},                                                             // another token: no login
		{"POST", "/auth/login", "first", 401, ""},                                                      // not a session operation: no login
		{"GET", "/me", "", 401, ""},                                                                    // no credentials: no login
		{"POST", "/auth/logout", "first", 204, ""},                                                     // ends the second
		{"POST", "/auth/logout", "first", 401, ""},                                                     // a login
		{"POST", "/auth/logout", "first", 204, ""},                                                     // the third
	}
	for i, s := range steps {
		status, body := call(s.method, s.path, s.token)
		if status != s.status || s.body != "" && body != s.body {
			t.Fatalf("step %d %s %s: %d %s, want %d %s", i, s.method, s.path, status, body, s.status, s.body)
		}
	}
	if logins != 2 {
		t.Errorf("%d logins, want 2; the server saw:\n%s", logins, strings.Join(seen, "\n"))
	}
	report, err := p.Report()
	if err != nil || report != "the client session was ended 2 times (unauthenticated×2) and logged in again" {
		t.Errorf("report %q, %v", report, err)
	}
}

// A login that fails is reported, and not tried again for every request.
func TestSessionProxyLoginFails(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"code":"session_expired"}`)
	}))
	defer backend.Close()
	ops := []operation{{Method: "GET", Path: "/me", Schemes: []string{"clientSession"}}}
	logins := 0
	login := func(context.Context) (string, error) { logins++; return "", fmt.Errorf("429 locked") }
	p, err := startSessionProxy(backend.URL, "first", newMatcher(ops, nil), login)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for range 3 {
		req, _ := http.NewRequest("GET", p.URL+"/me", nil)
		req.Header.Set("Authorization", "Bearer first")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	if _, err := p.Report(); logins != 1 || err == nil || !strings.Contains(err.Error(), "session_expired") {
		t.Errorf("%d logins, report error %v", logins, err)
	}
}
