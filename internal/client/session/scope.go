package session

import (
	"slices"

	"clientarea/internal/platform/principal"
)

// setupRoutes are what a session that must first set up 2FA may reach: its
// own profile, the phone and its confirmation, enabling 2FA, and logging out.
var setupRoutes = [...]string{
	"GET /me",
	"POST /me/phone",
	"POST /me/phone/verify",
	"POST /me/tfa",
	"POST /auth/logout",
	"POST /auth/confirm-phone",
	"POST /auth/confirm-phone/resend",
	"POST /auth/confirm-email/resend",
}

// SetupRoutes returns the route keys a tfa_setup session may reach (a new
// slice each time).
func SetupRoutes() []string { return slices.Clone(setupRoutes[:]) }

// ScopeAllows reports whether a session of scope may reach routeKey (API
// Gateway's "METHOD /path" with the route's own path parameters, such as
// "GET /me/accounts"). An unknown scope reaches nothing.
func ScopeAllows(scope, routeKey string) bool {
	switch scope {
	case principal.ScopeFull:
		return true
	case principal.ScopeTFASetup:
		return slices.Contains(setupRoutes[:], routeKey)
	default:
		return false
	}
}

func validScope(scope string) bool {
	return scope == principal.ScopeFull || scope == principal.ScopeTFASetup
}
