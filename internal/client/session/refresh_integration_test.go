package session_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"clientarea/internal/client/session"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
)

func TestRefreshRotatesBothTokens(t *testing.T) {
	h := setup(t)
	old := h.login("c-1", principal.ScopeFull)
	h.clock.Advance(10 * time.Minute)
	fresh, err := h.store.Refresh(ctx, old.RefreshToken, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	if fresh.SessionID != old.SessionID || fresh.Token == old.Token || fresh.RefreshToken == old.RefreshToken || fresh.Scope != principal.ScopeFull {
		t.Fatalf("refreshed %+v from %+v", fresh, old)
	}
	if now := h.clock.Now(); !fresh.ExpiresAt.Equal(now.Add(time.Hour)) || !fresh.RefreshExpiresAt.Equal(now.Add(2*time.Hour)) {
		t.Fatalf("expiry %v / %v, want counted from the refresh", fresh.ExpiresAt, fresh.RefreshExpiresAt)
	}
	h.expect(old.Token, route, principal.VerdictUnauthenticated)
	h.expect(fresh.Token, route, principal.VerdictOK)

	_, err = h.store.Refresh(ctx, old.RefreshToken, h.limits())
	e := expectRefused(t, err, principal.VerdictUnauthenticated)
	if !strings.Contains(e.Detail, "revoked") || !strings.Contains(e.Detail, "reused") {
		t.Fatalf("detail %q should say the session was revoked for a reused refresh token", e.Detail)
	}
}

func TestReplayedRefreshTokenRevokesTheSession(t *testing.T) {
	h := setup(t)
	first := h.login("c-1", principal.ScopeFull)
	second, err := h.store.Refresh(ctx, first.RefreshToken, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	third, err := h.store.Refresh(ctx, second.RefreshToken, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	// A token two rotations old is still recognised.
	_, err = h.store.Refresh(ctx, first.RefreshToken, h.limits())
	expectRefused(t, err, principal.VerdictUnauthenticated)

	h.expect(third.Token, route, principal.VerdictUnauthenticated)
	_, err = h.store.Refresh(ctx, third.RefreshToken, h.limits())
	expectRefused(t, err, principal.VerdictUnauthenticated)
	if h.item(dynamo.SessionKey(first.SessionID)) != nil || h.item(dynamo.ClientSessionKey("c-1", first.SessionID)) != nil {
		t.Fatal("the revoked session's items remain")
	}
}

func TestRotatedHashesKeepTheNewestFifty(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	var err error
	for range 60 {
		if tok, err = h.store.Refresh(ctx, tok.RefreshToken, h.limits()); err != nil {
			t.Fatal(err)
		}
	}
	item := h.item(dynamo.SessionKey(tok.SessionID))
	rotated := item["rotated"]
	if n := len(listOf(t, rotated)); n != 50 {
		t.Fatalf("%d rotated hashes kept, want 50", n)
	}
	h.expect(tok.Token, route, principal.VerdictOK)
}

func TestRefreshWindow(t *testing.T) {
	h := setup(t)
	h.setGeneral(10, 30)
	tok := h.login("c-1", principal.ScopeFull)
	if !tok.RefreshExpiresAt.Equal(start.Add(30 * time.Minute)) {
		t.Fatalf("refresh expires at %v", tok.RefreshExpiresAt)
	}

	h.clock.Advance(20 * time.Minute) // idle too long for the access token...
	h.expect(tok.Token, route, principal.VerdictExpired)
	fresh, err := h.store.Refresh(ctx, tok.RefreshToken, h.limits()) // ...not for the refresh token
	if err != nil {
		t.Fatal(err)
	}
	h.expect(fresh.Token, route, principal.VerdictOK)

	h.clock.Advance(30 * time.Minute) // the whole window without a refresh
	_, err = h.store.Refresh(ctx, fresh.RefreshToken, h.limits())
	expectRefused(t, err, principal.VerdictExpired)
	if h.item(dynamo.SessionKey(tok.SessionID)) != nil {
		t.Fatal("a session past its refresh window is kept")
	}
	// An admin lengthening the window afterwards brings nothing back.
	h.setGeneral(10, 600)
	_, err = h.store.Refresh(ctx, fresh.RefreshToken, h.limits())
	expectRefused(t, err, principal.VerdictUnauthenticated)
}

func TestConcurrentRefreshesWithOneToken(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	lim := h.limits()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		won  []session.Tokens
		errs []error
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := h.store.Refresh(ctx, tok.RefreshToken, lim)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else {
				won = append(won, got)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		expectRefused(t, err, principal.VerdictUnauthenticated)
	}
	if len(won) > 1 {
		t.Fatalf("%d concurrent refreshes with one token succeeded", len(won))
	}
	// The losers saw a replay, which ends the session for everyone.
	for _, w := range won {
		h.expect(w.Token, route, principal.VerdictUnauthenticated)
	}
	h.expect(tok.Token, route, principal.VerdictUnauthenticated)
}

func TestRefreshWithTokensThatMatchNothing(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	id, _, _ := strings.Cut(tok.Token, ".")
	for _, bad := range []string{"", "x", tok.Token, id + "." + strings.Repeat("A", 43), strings.Repeat("A", 22) + "." + strings.Repeat("A", 43)} {
		_, err := h.store.Refresh(ctx, bad, h.limits())
		expectRefused(t, err, principal.VerdictUnauthenticated)
	}
	// None of them was a replay: the session lives on.
	h.expect(tok.Token, route, principal.VerdictOK)
	if _, err := h.store.Refresh(ctx, tok.RefreshToken, h.limits()); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshKeepsTheScope(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeTFASetup)
	fresh, err := h.store.Refresh(ctx, tok.RefreshToken, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Scope != principal.ScopeTFASetup {
		t.Fatalf("scope %q after refresh", fresh.Scope)
	}
	h.expect(fresh.Token, route, principal.VerdictForbidden)
}
