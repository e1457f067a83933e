package session

import (
	"context"
	"log/slog"

	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/kept"
	"clientarea/internal/platform/principal"
)

// Authorizer decides client requests by their session token.
type Authorizer struct {
	Table dynamo.Table
	Clock clock.Clock
	Kept  *KeptLimits // nil: the sections are read with every decision
}

// KeptLimits are the session limits (from the general and security
// sections) an authorizer instance keeps for the stack's
// CONFIG_CACHE_SECONDS after reading them, so that its decisions within
// the TTL read the session alone, as the client functions keep their
// configuration (settings.Source). An admin's change to session_minutes or
// absolute_session_hours then reaches the instance within the TTL.
type KeptLimits = kept.Value[Limits]

// decision is a verdict with what the log line about it says.
type decision struct {
	principal.Session
	claimed string // the session id the token names, even when refused
	reason  string // why, in a word, for the log
	err     error  // why the sessions could not be read (unavailable)
}

// Decide answers whether the session token may reach routeKey ("GET /me").
func (a Authorizer) Decide(ctx context.Context, token, routeKey string) principal.Session {
	d := a.decide(ctx, token, routeKey)
	if d.err != nil {
		slog.ErrorContext(ctx, "session authorizer: cannot read the session", "route", routeKey, "session_id", d.claimed, "error", d.err.Error())
	}
	return d.Session
}

// decided is what Decide reads: of the sections their document, of the
// session what a verdict needs (not the refresh hash nor the rotated list).
var decided = dynamo.Projection{
	Expr: "PK, SK, #doc, #client, #scope, #created, #seen, #access",
	Names: map[string]string{"#doc": "doc", "#client": "client_id", "#scope": "scope",
		"#created": "created_at", "#seen": "last_seen_at", "#access": "access_hash"},
}

func (a Authorizer) decide(ctx context.Context, raw, routeKey string) decision {
	tok, ok := parseToken(raw)
	if !ok {
		return refused(principal.VerdictUnauthenticated, "", "malformed")
	}
	key := dynamo.SessionKey(tok.id)
	readAt := a.Clock.Now()
	lim, kept := a.Kept.Get(readAt)
	keys := []dynamo.Key{key, generalKey, securityKey}
	if kept {
		keys = keys[:1] // the session alone
	}
	items, err := dynamo.BatchGet(ctx, a.Table, keys, decided)
	if err != nil {
		return unavailable(tok.id, err)
	}
	item, found := items[key]
	if !found {
		return refused(principal.VerdictUnauthenticated, tok.id, "unknown")
	}
	st, err := decodeStored(tok.id, item)
	if err != nil {
		return unavailable(tok.id, err)
	}
	if !sameHash(st.rec.AccessHash, tok.hash) {
		return refused(principal.VerdictUnauthenticated, tok.id, "wrong_secret")
	}
	if !kept {
		if lim, err = limitsFromItems(items[generalKey], items[securityKey]); err != nil {
			return unavailable(tok.id, err)
		}
		a.Kept.Keep(lim, readAt)
	}
	return a.judge(ctx, st, lim, routeKey)
}

// judge decides for a session whose token is authentic.
func (a Authorizer) judge(ctx context.Context, st stored, lim Limits, routeKey string) decision {
	now := a.Clock.Now()
	d := decision{Session: principal.Session{ClientID: st.rec.ClientID, SessionID: st.id, Scope: st.rec.Scope}, claimed: st.id}
	switch {
	case !now.Before(st.createdAt.Add(lim.Absolute)):
		d.Verdict, d.reason = principal.VerdictExpired, "absolute"
	case !now.Before(st.lastSeenAt.Add(lim.Idle)):
		d.Verdict, d.reason = principal.VerdictExpired, "idle"
	case !ScopeAllows(st.rec.Scope, routeKey):
		d.Verdict, d.reason = principal.VerdictForbidden, "scope"
	default:
		d.Verdict = principal.VerdictOK
		if slideDue(st, now, lim) {
			a.slide(ctx, st, now)
		}
	}
	return d
}

// refused is a refusal before the token proved anything: it names no
// client.
func refused(verdict, claimed, reason string) decision {
	return decision{Session: principal.Session{Verdict: verdict}, claimed: claimed, reason: reason}
}

func unavailable(claimed string, err error) decision {
	return decision{Session: principal.Session{Verdict: principal.VerdictUnavailable}, claimed: claimed, reason: "read_failed", err: err}
}
