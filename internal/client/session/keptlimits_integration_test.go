package session_test

import (
	"testing"
	"time"

	"clientarea/internal/client/session"
	"clientarea/internal/platform/principal"
)

// An authorizer that keeps the limits (CONFIG_CACHE_SECONDS) decides with
// what it read for its TTL: a shorter session_minutes reaches it at the
// first decision after the TTL, not before. Without kept limits (every
// other test) the next decision applies it.
func TestKeptLimitsGovernUntilTheirTTL(t *testing.T) {
	h := setup(t)
	const ttl = 20 * time.Minute // longer than the stack allows, to make the idle times plain
	h.auth.Kept = &session.KeptLimits{TTL: ttl}
	fresh := session.Authorizer{Table: h.table, Clock: h.clock}
	tok := h.login("c-1", principal.ScopeFull)

	h.clock.Advance(time.Minute)
	h.expect(tok.Token, route, principal.VerdictOK) // reads and keeps idle 60 minutes; slides last_seen_at
	h.setGeneral(10, 20)

	h.clock.Advance(15 * time.Minute) // idle 15 minutes: over the new 10, within the kept 60
	if got := fresh.Decide(ctx, tok.Token, route); got.Verdict != principal.VerdictExpired {
		t.Fatalf("an authorizer that keeps nothing: %+v, want expired", got)
	}
	h.expect(tok.Token, route, principal.VerdictOK) // kept, 15 minutes after it was read

	h.clock.Advance(15 * time.Minute) // 30 minutes after the read: the TTL is over
	h.expect(tok.Token, route, principal.VerdictExpired)
}
