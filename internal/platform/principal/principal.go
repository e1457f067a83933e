// Package principal tells who is calling: a back-office admin, a client
// session or nobody. In AWS the HTTP API's JWT authorizer has already checked
// the token and passes its claims; locally a dev admin token stands in for it
// (never inside Lambda: package config refuses one there). Whoever it finds
// is named in the request's log lines (httpapi.SetSubject), refusals too.
package principal

import (
	"context"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

// Role is what a principal may do.
type Role int

const (
	Anonymous Role = iota
	Client         // a client session
	Admin          // a back-office user
	Service        // an internal service (see RequireService)
)

// Principal is the caller of one request.
type Principal struct {
	Role    Role
	Subject string // the admin's JWT subject, or the client id
}

// Claims are a verified JWT's claims and scopes, as API Gateway passes them.
type Claims struct {
	Values map[string]string
	Scopes []string
}

type claimsKey struct{}
type principalKey struct{}

// WithClaims returns ctx carrying the claims the JWT authorizer verified.
// Only the Lambda entry point calls it: nothing a caller sends can set them.
func WithClaims(ctx context.Context, c Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// From returns the principal that an authorization middleware put in ctx.
func From(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// SessionLookup resolves a client session token to a client id; it answers
// an Unauthenticated error for unknown or expired sessions.
type SessionLookup interface {
	ClientForToken(ctx context.Context, token string) (clientID string, err error)
}

// Resolver decides who a request comes from.
type Resolver struct {
	AdminClaimName  string        // claim holding groups, or "scope" / "scp" for scopes
	AdminClaimValue string        // the group or scope that makes an admin
	DevAdminToken   string        // local tools only; empty disables it (config refuses one inside Lambda)
	DevServiceToken string        // likewise, for internal services (see RequireService)
	Sessions        SessionLookup // nil until client sessions exist
}

// Resolve identifies the caller of r.
func (res Resolver) Resolve(r *http.Request) (Principal, error) {
	if c, ok := r.Context().Value(claimsKey{}).(Claims); ok {
		return res.fromClaims(c), nil
	}
	token, ok := bearer(r)
	if !ok {
		return Principal{Role: Anonymous}, nil
	}
	if res.DevAdminToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(res.DevAdminToken)) == 1 {
		return Principal{Role: Admin, Subject: "dev-admin"}, nil
	}
	if res.Sessions == nil {
		return Principal{}, apperr.New(apperr.Unauthenticated, "unauthenticated", "the bearer token is not valid")
	}
	id, err := res.Sessions.ClientForToken(r.Context(), token)
	if err != nil {
		return Principal{}, err
	}
	return Principal{Role: Client, Subject: id}, nil
}

func (res Resolver) fromClaims(c Claims) Principal {
	p := Principal{Role: Client, Subject: c.Values["sub"]}
	if res.AdminClaimValue != "" && slices.Contains(res.granted(c), res.AdminClaimValue) {
		p.Role = Admin
	}
	return p
}

// granted is what the configured claim grants. Only a scope claim is
// also read from the scopes API Gateway lists: when the claim is a group
// claim, a scope that happens to share the admin group's name (which any
// client of the user pool may be able to request) grants nothing.
func (res Resolver) granted(c Claims) []string {
	if res.AdminClaimName == "" {
		return nil
	}
	values := splitClaim(c.Values[res.AdminClaimName])
	if isScopeClaim(res.AdminClaimName) {
		values = append(values, c.Scopes...)
	}
	return values
}

// isScopeClaim tells the OAuth scope claims (RFC 8693's "scope", and the
// "scp" some issuers use) from group claims.
func isScopeClaim(name string) bool { return name == "scope" || name == "scp" }

// RequireAdmin lets only admins through: anonymous 401, anyone else 403.
func (res Resolver) RequireAdmin(next httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := res.Resolve(r)
		if err != nil {
			return err
		}
		httpapi.SetSubject(r.Context(), p.Subject) // so that a 403 says whose it is
		switch p.Role {
		case Anonymous:
			return apperr.New(apperr.Unauthenticated, "unauthenticated", "an admin bearer token is required")
		case Admin:
			return next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
		default:
			return apperr.New(apperr.Forbidden, "forbidden", "this route is for back-office admins only")
		}
	}
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// splitClaim reads a multi-valued claim as API Gateway flattens it: an
// array as "[a b]", a scope claim as "a b". It splits on whitespace only,
// because neither form uses commas and a group may contain one: the group
// "x,client-area-admin" must stay one group, not become an admin.
func splitClaim(v string) []string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		v = v[1 : len(v)-1]
	}
	return strings.Fields(v)
}
