package session_test

import (
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
)

func TestCreateThenDecide(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	if tok.Scope != principal.ScopeFull || tok.SessionID == "" ||
		!strings.HasPrefix(tok.Token, tok.SessionID+".") || !strings.HasPrefix(tok.RefreshToken, tok.SessionID+".") {
		t.Fatalf("tokens %+v", tok)
	}
	// Defaults: 60 idle minutes, a 120-minute refresh window.
	if !tok.ExpiresAt.Equal(start.Add(time.Hour)) || !tok.RefreshExpiresAt.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("expiry %v / %v", tok.ExpiresAt, tok.RefreshExpiresAt)
	}
	got := h.expect(tok.Token, route, principal.VerdictOK)
	want := principal.Session{Verdict: principal.VerdictOK, ClientID: "c-1", SessionID: tok.SessionID, Scope: principal.ScopeFull}
	if got != want {
		t.Fatalf("Decide = %+v, want %+v", got, want)
	}
	// The refresh token is not an access token.
	h.expect(tok.RefreshToken, route, principal.VerdictUnauthenticated)
}

func TestIdleTimeout(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)

	h.clock.Advance(time.Hour - time.Second) // just before the 60 idle minutes
	h.expect(tok.Token, route, principal.VerdictOK)
	if seen := str(h.item(dynamo.SessionKey(tok.SessionID)), "last_seen_at"); seen != h.clock.Now().Format(dynamo.SortableTime) {
		t.Fatalf("last_seen_at %s: the request did not move the session on", seen)
	}
	h.clock.Advance(time.Hour - time.Second) // idle for just under an hour again
	h.expect(tok.Token, route, principal.VerdictOK)

	h.clock.Advance(time.Hour) // idle for exactly the limit
	h.expect(tok.Token, route, principal.VerdictExpired)
	h.clock.Advance(time.Minute)
	h.expect(tok.Token, route, principal.VerdictExpired)
}

func TestShorterIdleTimeoutAppliesToLiveSessions(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	h.clock.Advance(15 * time.Minute)

	h.setGeneral(10, 20) // an admin shortens session_minutes to 10
	h.expect(tok.Token, route, principal.VerdictExpired)

	// Limits are read per request, in both directions.
	h.setGeneral(30, 60)
	h.expect(tok.Token, route, principal.VerdictOK)
}

func TestAbsoluteLifetimeEndsAnActiveSession(t *testing.T) {
	h := setup(t)
	h.setAbsolute(1)
	tok := h.login("c-1", principal.ScopeFull)
	if !tok.ExpiresAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("expires at %v: min(idle, absolute) is an hour", tok.ExpiresAt)
	}
	for range 11 { // busy every five minutes up to 55
		h.clock.Advance(5 * time.Minute)
		h.expect(tok.Token, route, principal.VerdictOK)
	}
	h.clock.Advance(5 * time.Minute) // an hour after creation
	h.expect(tok.Token, route, principal.VerdictExpired)
	_, err := h.store.Refresh(ctx, tok.RefreshToken, h.limits())
	expectRefused(t, err, principal.VerdictExpired)
}

func TestDefaultAbsoluteLifetimeIsTwelveHours(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	for range 12*4 - 1 { // every 15 minutes for just under 12 hours
		h.clock.Advance(15 * time.Minute)
		h.expect(tok.Token, route, principal.VerdictOK)
	}
	h.clock.Advance(15 * time.Minute)
	h.expect(tok.Token, route, principal.VerdictExpired)
}

func TestAtMostOneSlidingWriteAMinute(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	decide := func(n int) int {
		before := h.db.writes()
		for range n {
			h.expect(tok.Token, route, principal.VerdictOK)
		}
		return h.db.writes() - before
	}
	if w := decide(5); w != 0 {
		t.Fatalf("%d writes right after login", w)
	}
	h.clock.Advance(59 * time.Second)
	if w := decide(5); w != 0 {
		t.Fatalf("%d writes within the first minute", w)
	}
	h.clock.Advance(time.Second)
	if w := decide(5); w != 1 {
		t.Fatalf("%d writes a minute after login, want 1", w)
	}
	at := h.clock.Now().Format(dynamo.SortableTime)
	if got := str(h.item(dynamo.ClientKey("c-1")), "last_seen_at"); got != at {
		t.Fatalf("client last_seen_at %q, want %q", got, at)
	}
	h.clock.Advance(30 * time.Second)
	if w := decide(5); w != 0 {
		t.Fatalf("%d writes half a minute after the last", w)
	}
}

func TestConcurrentRequestsSlideOnce(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	h.clock.Advance(2 * time.Minute)
	before := h.db.transactionsDone()
	done := make(chan principal.Session)
	for range 8 {
		go func() { done <- h.auth.Decide(ctx, tok.Token, route) }()
	}
	for range 8 {
		if s := <-done; s.Verdict != principal.VerdictOK {
			t.Errorf("verdict %s", s.Verdict)
		}
	}
	// Each may try; one write succeeds, the others' conditions fail.
	if ok := h.db.transactionsDone() - before; ok != 1 {
		t.Fatalf("%d sliding writes succeeded, want 1", ok)
	}
	if seen := str(h.item(dynamo.SessionKey(tok.SessionID)), "last_seen_at"); seen != h.clock.Now().Format(dynamo.SortableTime) {
		t.Fatalf("last_seen_at %s", seen)
	}
}

func TestShortIdleSlidesAfterHalfOfIt(t *testing.T) {
	h := setup(t)
	h.setGeneral(1, 2)
	tok := h.login("c-1", principal.ScopeFull)
	for range 10 { // a request every 40 s keeps a one-minute session alive
		h.clock.Advance(40 * time.Second)
		h.expect(tok.Token, route, principal.VerdictOK)
	}
	h.clock.Advance(time.Minute)
	h.expect(tok.Token, route, principal.VerdictExpired)
}

func TestSessionOfAClientWithoutProfileStillDecides(t *testing.T) {
	h := setup(t)
	tok, err := h.store.Create(ctx, "ghost", principal.ScopeFull, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(2 * time.Minute)
	h.expect(tok.Token, route, principal.VerdictOK)
	if h.item(dynamo.ClientKey("ghost")) != nil {
		t.Fatal("the sliding write created a client profile")
	}
}

func TestTFASetupScope(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeTFASetup)
	if tok.Scope != principal.ScopeTFASetup {
		t.Fatalf("scope %q", tok.Scope)
	}
	got := h.expect(tok.Token, "GET /me/accounts", principal.VerdictForbidden)
	if got.ClientID != "c-1" || got.SessionID != tok.SessionID {
		t.Fatalf("a forbidden verdict should still name its client: %+v", got)
	}
	for _, r := range []string{"GET /me", "POST /me/phone", "POST /me/tfa", "POST /auth/logout"} {
		if s := h.expect(tok.Token, r, principal.VerdictOK); s.Scope != principal.ScopeTFASetup {
			t.Fatalf("%s: scope %q", r, s.Scope)
		}
	}
	h.expect(tok.Token, "DELETE /me/tfa", principal.VerdictForbidden)
	h.expect(tok.Token, "PATCH /me", principal.VerdictForbidden)
}

func TestMalformedTokensAreUnauthenticated(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	id, secret, _ := strings.Cut(tok.Token, ".")
	other := h.login("c-2", principal.ScopeFull)
	_, otherSecret, _ := strings.Cut(other.Token, ".")
	cases := map[string]string{
		"empty":                  "",
		"one letter":             "x",
		"no secret":              id,
		"no dot":                 id + secret,
		"id too short":           id[1:] + "." + secret,
		"id too long":            id + "A." + secret,
		"secret too short":       id + "." + secret[1:],
		"secret too long":        tok.Token + "A",
		"padding":                id + "." + secret[:len(secret)-1] + "=",
		"standard alphabet":      id[:len(id)-1] + "+." + secret,
		"not base64":             id + "." + secret[:len(secret)-1] + "!",
		"newline in the secret":  id + "." + secret[:20] + "\n" + secret[21:],
		"non-canonical id":       nonCanonical(id) + "." + secret,
		"non-canonical secret":   id + "." + nonCanonical(secret),
		"space before":           " " + tok.Token,
		"valid id, wrong secret": id + "." + otherSecret,
		"valid id, zero secret":  id + "." + strings.Repeat("A", len(secret)),
		"unknown id":             strings.Repeat("A", len(id)) + "." + secret,
		"two tokens":             tok.Token + "," + tok.Token,
		"dot misplaced":          id[:len(id)-1] + "." + id[len(id)-1:] + secret,
	}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			got := h.auth.Decide(ctx, token, route)
			if got != (principal.Session{Verdict: principal.VerdictUnauthenticated}) {
				t.Fatalf("Decide = %+v, want a bare unauthenticated verdict", got)
			}
		})
	}
	h.expect(tok.Token, route, principal.VerdictOK) // none of that harmed the session
}

// nonCanonical changes the last character of a base64url string to one
// that sets bits past the data, which a strict decoder refuses.
func nonCanonical(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[i|1])
}
