// Package kit is what the client functions' flows work on: the table and
// clock, the stores of clients, sessions and emailed tokens, the SMS
// codes, the notification events and the request limits. The auth and me
// functions build one at cold start and embed it, so that both are wired
// the same way from one place.
package kit

import (
	"context"
	"errors"

	"clientarea/internal/app"
	"clientarea/internal/app/outbound"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/linktoken"
	"clientarea/internal/client/session"
	"clientarea/internal/messaging"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
	"clientarea/internal/platform/ratelimit"
)

// Kit holds what the flows need, built once per cold start.
type Kit struct {
	Table    dynamo.Table
	Clock    clock.Clock
	Clients  clients.Store
	Sessions session.Store
	Tokens   linktoken.Store
	Codes    *otp.Engine
	Notify   messaging.Publisher
	Limiter  ratelimit.Limiter
}

// New builds the kit of d; codes is the OTP engine, built with d's key.
func New(d *app.Deps, codes *otp.Engine) Kit {
	return Kit{
		Table: d.Table, Clock: d.Clock,
		Clients:  clients.Store{Table: d.Table, Clock: d.Clock},
		Sessions: session.Store{Table: d.Table, Clock: d.Clock},
		Tokens:   linktoken.Store{Table: d.Table, Clock: d.Clock},
		Codes:    codes,
		Notify:   outbound.Notifications(d),
		Limiter:  ratelimit.Limiter{Table: d.Table},
	}
}

// Caller is the client of a request the session authorizer admitted. A
// client deleted since its session began is unauthenticated.
func (k Kit) Caller(ctx context.Context) (clients.Client, error) {
	c, err := k.Clients.Get(ctx, principal.SessionOf(ctx).ClientID)
	if errors.Is(err, clients.ErrNotFound) {
		return c, apperr.New(apperr.Unauthenticated, "unauthenticated", "the session's client no longer exists")
	}
	return c, err
}
