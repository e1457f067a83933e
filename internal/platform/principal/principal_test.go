package principal

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/testsupport/logtest"
)

func TestResolve(t *testing.T) {
	groups := Resolver{AdminClaimName: "cognito:groups", AdminClaimValue: "client-area-admin", DevAdminToken: "dev"}
	scopes := Resolver{AdminClaimName: "scope", AdminClaimValue: "client-area-admin"}
	scp := Resolver{AdminClaimName: "scp", AdminClaimValue: "client-area-admin"}
	group := func(v string) *Claims { return &Claims{Values: map[string]string{"sub": "u-1", "cognito:groups": v}} }
	cases := []struct {
		name   string
		res    Resolver
		token  string
		claims *Claims
		want   Role
	}{
		{name: "no token", res: groups, want: Anonymous},
		{name: "dev token", res: groups, token: "dev", want: Admin},
		{name: "API Gateway's array form", res: groups, claims: group("[sales client-area-admin]"), want: Admin},
		{name: "a single group", res: groups, claims: group("[client-area-admin]"), want: Admin},
		{name: "a plain value", res: groups, claims: group("client-area-admin"), want: Admin},
		{name: "other groups", res: groups, claims: group("[sales support]"), want: Client},
		{name: "a longer name", res: groups, claims: group("[client-area-admins]"), want: Client},
		// Commas are part of a group's name: only whitespace separates groups.
		{name: "a group with a comma", res: groups, claims: group("[x,client-area-admin]"), want: Client},
		{name: "a comma list", res: groups, claims: group("sales,client-area-admin"), want: Client},
		{name: "quoted JSON", res: groups, claims: group(`["sales","client-area-admin"]`), want: Client},
		// A group claim is the only source of the role: a scope of the same name grants nothing.
		{name: "scope under a group claim", res: groups, claims: &Claims{Scopes: []string{"client-area-admin"}}, want: Client},
		{name: "scope claim in the scopes list", res: scopes, claims: &Claims{Scopes: []string{"openid", "client-area-admin"}}, want: Admin},
		{name: "scope claim's value", res: scopes, claims: &Claims{Values: map[string]string{"scope": "openid client-area-admin"}}, want: Admin},
		{name: "scp claim", res: scp, claims: &Claims{Values: map[string]string{"scp": "[client-area-admin]"}}, want: Admin},
		{name: "scope claim, other scopes", res: scopes, claims: &Claims{Values: map[string]string{"scope": "openid email"}}, want: Client},
		// Under a scope claim, a group of the admin's name grants nothing either.
		{name: "group under a scope claim", res: scopes, claims: group("[client-area-admin]"), want: Client},
		{name: "no claim configured", res: Resolver{AdminClaimValue: "client-area-admin"}, claims: &Claims{Scopes: []string{"client-area-admin"}}, want: Client},
		{name: "no value configured", res: Resolver{AdminClaimName: "cognito:groups"}, claims: group("[]"), want: Client},
		// A verified JWT decides; the dev token cannot upgrade it.
		{name: "claims win over dev token", res: groups, token: "dev", claims: &Claims{Values: map[string]string{}}, want: Client},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if c.token != "" {
				r.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.claims != nil {
				r = r.WithContext(WithClaims(r.Context(), *c.claims))
			}
			p, err := c.res.Resolve(r)
			if err != nil || p.Role != c.want {
				t.Fatalf("role %d err %v, want %d", p.Role, err, c.want)
			}
		})
	}
}

func TestSplitClaim(t *testing.T) {
	cases := map[string][]string{
		"[a b]":      {"a", "b"},
		" [a  b] ":   {"a", "b"},
		"a b":        {"a", "b"},
		"[a,b]":      {"a,b"},
		"[]":         nil,
		"":           nil,
		"[a\tb\nc]":  {"a", "b", "c"},
		"[only one]": {"only", "one"},
		"[unclosed":  {"[unclosed"},
	}
	for in, want := range cases {
		got := splitClaim(in)
		if len(got) != len(want) {
			t.Errorf("%q: %q, want %q", in, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: %q, want %q", in, got, want)
			}
		}
	}
}

func TestDevTokenIsOffUnlessConfigured(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer dev-admin")
	if p, err := (Resolver{}).Resolve(r); err == nil || p.Role == Admin {
		t.Fatalf("an unconfigured dev token made %v, %v", p, err)
	}
}

// A refusal is logged as a warning that names whom it refused, so that a
// client probing the admin routes shows in the logs.
func TestRefusalsAreLoggedWithTheSubject(t *testing.T) {
	res := Resolver{AdminClaimName: "cognito:groups", AdminClaimValue: "client-area-admin", DevAdminToken: "dev"}
	cases := []struct {
		name    string
		token   string
		claims  *Claims
		status  int
		subject string
	}{
		{name: "anonymous", status: 401},
		{name: "a wrong token", token: "guess", status: 401},
		{name: "a client", claims: &Claims{Values: map[string]string{"sub": "client-42"}}, status: 403, subject: "client-42"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := httpapi.NewRouter()
			rt.Handle("GET /admin/things", func(w http.ResponseWriter, r *http.Request) error {
				t.Error("the handler ran")
				return nil
			}, res.RequireAdmin)
			r := httptest.NewRequest("GET", "/admin/things", nil)
			if c.token != "" {
				r.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.claims != nil {
				r = r.WithContext(WithClaims(r.Context(), *c.claims))
			}
			rec := httptest.NewRecorder()
			lines := logtest.Capture(t, func() { rt.ServeHTTP(rec, r) })
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d", rec.Code, c.status)
			}
			l := rejected(t, lines)
			if l["level"] != "WARN" || l["status"] != float64(c.status) || l["subject"] != c.subject || l["route"] != "GET /admin/things" {
				t.Fatalf("log line %v", l)
			}
			if c.token != "" && strings.Contains(fmt.Sprint(lines), c.token) {
				t.Fatalf("the token is in the logs: %v", lines)
			}
		})
	}
}

// An admin's requests carry the admin's subject in their log lines.
func TestAdminsAreNamedInTheLogs(t *testing.T) {
	res := Resolver{DevAdminToken: "dev"}
	rt := httpapi.NewRouter()
	rt.Handle("GET /admin/things", func(w http.ResponseWriter, r *http.Request) error {
		if From(r.Context()).Subject != "dev-admin" {
			t.Errorf("principal %+v", From(r.Context()))
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}, res.RequireAdmin)
	r := httptest.NewRequest("GET", "/admin/things", nil)
	r.Header.Set("Authorization", "Bearer dev")
	lines := logtest.Capture(t, func() { rt.ServeHTTP(httptest.NewRecorder(), r) })
	if len(lines) != 1 || lines[0]["msg"] != "request" || lines[0]["subject"] != "dev-admin" {
		t.Fatalf("log lines %v", lines)
	}
}

func rejected(t *testing.T, lines []map[string]any) map[string]any {
	t.Helper()
	for _, l := range lines {
		if l["msg"] == "request rejected" {
			return l
		}
	}
	t.Fatalf("no refusal logged: %v", lines)
	return nil
}
