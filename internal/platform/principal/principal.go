// Package principal tells who is calling: a back-office admin, a client
// session or nobody. In AWS the HTTP API's JWT authorizer has already checked
// the token and passes its claims; locally a dev admin token stands in for it.
package principal

import (
	"context"
	"crypto/subtle"
	"net/http"
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
	AdminClaimName  string        // claim holding groups or scopes
	AdminClaimValue string        // the group or scope that makes an admin
	DevAdminToken   string        // local tools only; empty disables it
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
	granted := c.Scopes
	if res.AdminClaimName != "" {
		granted = append(splitClaim(c.Values[res.AdminClaimName]), granted...)
	}
	for _, g := range granted {
		if g == res.AdminClaimValue {
			p.Role = Admin
		}
	}
	return p
}

// RequireAdmin lets only admins through: anonymous 401, anyone else 403.
func (res Resolver) RequireAdmin(next httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := res.Resolve(r)
		if err != nil {
			return err
		}
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

// splitClaim reads a multi-valued claim as API Gateway flattens it:
// "[a b]", "a b" or "a,b".
func splitClaim(v string) []string {
	v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]")
	return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '"' })
}
