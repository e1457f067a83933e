package principal

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/testsupport/logtest"
)

func TestRequireService(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:role/withdrawals"
	local := Resolver{DevAdminToken: "dev-admin", DevServiceToken: "dev-service"}
	lambda := Resolver{} // config refuses dev tokens inside Lambda
	iam := func(ctx context.Context) context.Context { return WithIAM(ctx, arn) }
	client := func(ctx context.Context) context.Context {
		return WithSession(ctx, Session{Verdict: VerdictOK, ClientID: "client-42", SessionID: "s", Scope: ScopeFull})
	}
	jwt := func(ctx context.Context) context.Context {
		return WithClaims(ctx, Claims{Values: map[string]string{"sub": "admin-7"}})
	}
	cases := []struct {
		name    string
		res     Resolver
		token   string
		ctx     func(context.Context) context.Context
		status  int
		subject string
	}{
		{name: "IAM caller", res: lambda, ctx: iam, status: 200, subject: arn},
		{name: "IAM caller wins over a bearer", res: local, token: "dev-admin", ctx: iam, status: 200, subject: arn},
		{name: "dev service token", res: local, token: "dev-service", status: 200, subject: DevServiceSubject},
		{name: "dev admin token", res: local, token: "dev-admin", status: 403},
		{name: "some other bearer", res: local, token: "dev-service-x", status: 403},
		{name: "a prefix of the service token", res: local, token: "dev", status: 403},
		{name: "a client session", res: local, ctx: client, status: 403, subject: "client-42"},
		{name: "an admin's JWT", res: local, ctx: jwt, status: 403, subject: "admin-7"},
		{name: "no credentials", res: local, status: 401},
		{name: "an empty IAM caller", res: local, ctx: func(ctx context.Context) context.Context { return WithIAM(ctx, "") }, status: 401},
		// Inside Lambda no bearer is a service, not even the local default.
		{name: "Lambda, the dev service token", res: lambda, token: "dev-service", status: 403},
		{name: "Lambda, an empty token", res: lambda, token: " ", status: 401},
		{name: "Lambda, no credentials", res: lambda, status: 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := httpapi.NewRouter()
			rt.Handle("POST /tfa/operation-tokens/consume", func(w http.ResponseWriter, r *http.Request) error {
				if p := From(r.Context()); p.Role != Service || p.Subject != c.subject {
					t.Errorf("principal %+v, want service %q", p, c.subject)
				}
				w.WriteHeader(http.StatusOK)
				return nil
			}, c.res.RequireService)
			r := httptest.NewRequest("POST", "/tfa/operation-tokens/consume", nil)
			if c.token != "" {
				r.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.ctx != nil {
				r = r.WithContext(c.ctx(r.Context()))
			}
			rec := httptest.NewRecorder()
			lines := logtest.Capture(t, func() { rt.ServeHTTP(rec, r) })
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			last := lines[len(lines)-1]
			if last["msg"] != "request" || last["subject"] != c.subject {
				t.Fatalf("log line %v, want subject %q", last, c.subject)
			}
			if c.status != 200 {
				if l := rejected(t, lines); l["level"] != "WARN" {
					t.Fatalf("refusal logged as %v", l)
				}
			}
			if strings.TrimSpace(c.token) != "" && strings.Contains(fmt.Sprint(lines), c.token) && c.status != 200 {
				t.Fatalf("the token is in the logs: %v", lines)
			}
		})
	}
}
