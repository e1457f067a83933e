// Package kit is what the client functions' flows work on: the table and
// clock, the stores of clients, sessions and emailed tokens, the SMS
// codes, the notification events and the request limits. The auth and me
// functions build one at cold start and embed it, so that both are wired
// the same way from one place.
package kit

import (
	"context"
	"errors"
	"maps"
	"time"

	"clientarea/internal/app"
	"clientarea/internal/app/outbound"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/linktoken"
	"clientarea/internal/client/session"
	"clientarea/internal/client/settings"
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

// Settings reads the configuration that governs this request (one Query,
// read per request so that an admin's change applies at once).
func (k Kit) Settings(ctx context.Context) (settings.Settings, error) {
	return settings.Load(ctx, k.Table)
}

// SessionLimits are the session limits cfg sets.
func SessionLimits(cfg settings.Settings) session.Limits {
	return session.LimitsOf(cfg.General, cfg.Security)
}

// Limit counts one action against rules (package ratelimit), or answers
// 429 rate_limited when one is full.
func (k Kit) Limit(ctx context.Context, rules ...ratelimit.Rule) error {
	return k.Limiter.Take(ctx, k.Clock.Now(), rules...)
}

// Link is one emailed link: a single-use token of Purpose for Client,
// sent to To (the client's address, or the one it asked to change to) as
// a notification event of Kind, valid for TTL. Data adds to the event's
// data, which carries "token".
type Link struct {
	Client  clients.Client
	To      string
	Purpose string
	Kind    string
	TTL     time.Duration
	Data    map[string]string
}

// SendLink issues l's token, lets record keep its hash where the flow
// needs it (nil: nowhere), then publishes the event carrying the token. A
// failed publish is 503 notification_unavailable.
func (k Kit) SendLink(ctx context.Context, l Link, record func(hash string) error) error {
	token, t, err := k.Tokens.Issue(ctx, linktoken.Token{Purpose: l.Purpose, ClientID: l.Client.ID,
		Email: l.To, CredentialsVersion: l.Client.CredentialsVersion}, l.TTL)
	if err != nil {
		return err
	}
	if record != nil {
		if err := record(t.Hash); err != nil {
			return err
		}
	}
	data := map[string]string{"token": token}
	maps.Copy(data, l.Data)
	err = k.Notify.Publish(ctx, messaging.Event{Kind: l.Kind, ClientID: l.Client.ID, Email: l.To,
		Language: l.Client.Language, Data: data})
	if err != nil {
		return messaging.NotificationUnavailable().Because("publish "+l.Kind, err)
	}
	return nil
}
