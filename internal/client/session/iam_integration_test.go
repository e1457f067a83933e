package session_test

import (
	"testing"
	"time"

	"clientarea/internal/client/session"
	"clientarea/internal/platform/principal"
	"clientarea/internal/testsupport/apptest"
)

// Every call is made as the function that makes it in AWS (the store's as
// the auth function, the authorizer's as the authorizer function) and
// checked against that function's policies in template.yaml when the test
// ends.
func TestCallsStayWithinTheFunctionsPolicies(t *testing.T) {
	env := apptest.NewFor(t, "auth")
	store := session.Store{Table: env.Deps.Table, Clock: env.Clock}
	h := &harness{t: t, table: env.Deps.Table, clock: env.Clock}
	h.profile("c-1")
	tok, err := store.Create(ctx, "c-1", principal.ScopeFull, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	authorize := env.Authorizer("authorizer")
	decide := func(token string) principal.Session {
		res, err := authorize(ctx, authorizerRequest(route, map[string]string{"authorization": "Bearer " + token}))
		if err != nil {
			t.Fatal(err)
		}
		return principal.SessionFromAuthorizer(res.Context)
	}
	if got := decide(tok.Token); got.Verdict != principal.VerdictOK {
		t.Fatalf("verdict %+v", got)
	}
	env.Clock.Advance(2 * time.Minute)
	if got := decide(tok.Token); got.Verdict != principal.VerdictOK { // with the sliding write
		t.Fatalf("verdict %+v", got)
	}

	fresh, err := store.Refresh(ctx, tok.RefreshToken, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Refresh(ctx, tok.RefreshToken, h.limits()); err == nil { // a replay: revokes
		t.Fatal("replay accepted")
	}
	other, err := store.Create(ctx, "c-1", principal.ScopeFull, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.List(ctx, "c-1"); err != nil {
		t.Fatal(err)
	}
	if err := store.RevokeAll(ctx, "c-1", ""); err != nil {
		t.Fatal(err)
	}
	if err := store.Revoke(ctx, "c-1", other.SessionID); err != nil {
		t.Fatal(err)
	}
	if got := decide(fresh.Token); got.Verdict != principal.VerdictUnauthenticated {
		t.Fatalf("verdict %+v", got)
	}
}
