package principal

import (
	"context"
	"net/http"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

// A client session's request is decided by the session authorizer before
// any handler runs (in AWS an HTTP API Lambda authorizer; locally the same
// code, run by the dev server and the invoker). It always lets the request
// through to the function, with its verdict in the authorizer context, so
// that the function answers a refusal as the contract says (a 401
// problem+json naming unauthenticated or session_expired) rather than API
// Gateway's bare 403. RequireSession is what turns a verdict other than
// VerdictOK into that answer; every route the session authorizer guards
// is mounted behind it, and a test holds that.

// Verdicts of the session authorizer.
const (
	VerdictOK              = "ok"
	VerdictUnauthenticated = "unauthenticated" // no, malformed, unknown or revoked token
	VerdictExpired         = "session_expired" // idle too long, or past its absolute lifetime
	VerdictForbidden       = "forbidden"       // the session's scope does not reach the route
	VerdictUnavailable     = "unavailable"     // the sessions could not be read: try again
)

// Session scopes.
const (
	ScopeFull     = "full"
	ScopeTFASetup = "tfa_setup" // may only set up a phone and 2FA
)

// Session is what the session authorizer decided about a request.
type Session struct {
	Verdict   string
	ClientID  string
	SessionID string
	Scope     string
}

// The authorizer context's keys, as API Gateway hands them to the function
// (requestContext.authorizer.lambda).
const (
	ctxVerdict   = "verdict"
	ctxClientID  = "client_id"
	ctxSessionID = "session_id"
	ctxScope     = "scope"
)

// AuthorizerContext is s as the authorizer's response context.
func (s Session) AuthorizerContext() map[string]any {
	return map[string]any{ctxVerdict: s.Verdict, ctxClientID: s.ClientID, ctxSessionID: s.SessionID, ctxScope: s.Scope}
}

// SessionFromAuthorizer reads the authorizer context API Gateway passed.
// Anything missing or of another type reads as unauthenticated.
func SessionFromAuthorizer(c map[string]any) Session {
	str := func(k string) string { v, _ := c[k].(string); return v }
	s := Session{Verdict: str(ctxVerdict), ClientID: str(ctxClientID), SessionID: str(ctxSessionID), Scope: str(ctxScope)}
	if s.Verdict == VerdictOK && (s.ClientID == "" || s.SessionID == "" || s.Scope == "") {
		s.Verdict = VerdictUnauthenticated
	}
	return s
}

type sessionKey struct{}

// WithSession returns ctx carrying the authorizer's decision. Only the
// Lambda entry point and the local tools' authorizer step call it.
func WithSession(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionOf returns the session a RequireSession middleware admitted.
func SessionOf(ctx context.Context) Session {
	s, _ := ctx.Value(sessionKey{}).(Session)
	return s
}

// RequireSession lets through only requests whose session the authorizer
// admitted; the principal is then the session's client.
func RequireSession(next httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, ok := r.Context().Value(sessionKey{}).(Session)
		if !ok {
			s = Session{Verdict: VerdictUnauthenticated}
		}
		if s.ClientID != "" {
			httpapi.SetSubject(r.Context(), s.ClientID)
		}
		switch s.Verdict {
		case VerdictOK:
			ctx := context.WithValue(r.Context(), principalKey{}, Principal{Role: Client, Subject: s.ClientID})
			return next(w, r.WithContext(ctx))
		case VerdictExpired:
			return apperr.New(apperr.Unauthenticated, VerdictExpired, "the session has expired: refresh it or log in again")
		case VerdictUnavailable:
			return apperr.New(apperr.Unavailable, "unavailable", "sessions cannot be checked right now; try again shortly")
		case VerdictForbidden:
			return apperr.New(apperr.Forbidden, "forbidden", "this session may only set up a phone and two-factor authentication")
		default:
			return apperr.New(apperr.Unauthenticated, "unauthenticated", "a valid client session token is required")
		}
	}
}
