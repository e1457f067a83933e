// Package kit is what the client functions' flows work on: the table and
// clock, the stores of clients, sessions and emailed tokens, the SMS
// codes, the notification events and the request limits. The auth and me
// functions build one at cold start and embed it, so that both are wired
// the same way from one place.
package kit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	Config   *settings.Source // the configuration, per request or kept for CONFIG_CACHE_SECONDS
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
		Config:   settings.NewSource(d.Table, d.Clock, d.Config.ConfigCacheTTL),
	}
}

// Caller is the client of a request the session authorizer admitted. A
// client deleted since its session began is unauthenticated.
func (k Kit) Caller(ctx context.Context) (clients.Client, error) {
	c, err := k.Clients.Get(ctx, principal.SessionOf(ctx).ClientID)
	if errors.Is(err, clients.ErrNotFound) {
		return c, CallerGone()
	}
	return c, err
}

// CallerGone is the answer for a request whose session's client no longer
// exists: 401, as if it had no session. Routes that read the profile
// together with other items answer it too.
func CallerGone() error {
	return apperr.New(apperr.Unauthenticated, "unauthenticated", "the session's client no longer exists")
}

// CallerAndSettings is Caller and Settings at once: the two reads are
// independent, so a request that needs both waits for one round trip, not
// two. The caller's error comes first (a deleted client is 401, whatever
// the configuration read did).
func (k Kit) CallerAndSettings(ctx context.Context) (clients.Client, settings.Settings, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var cfg settings.Settings
	var cfgErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		cfg, cfgErr = k.Settings(ctx)
	}()
	c, err := k.Caller(ctx)
	if err != nil {
		cancel() // the configuration is not needed
		<-done
		return c, settings.Settings{}, err
	}
	<-done
	return c, cfg, cfgErr
}

// Settings is the configuration that governs this request: one Query, read
// per request so that an admin's change applies at once, unless the stack
// sets CONFIG_CACHE_SECONDS (settings.Source).
func (k Kit) Settings(ctx context.Context) (settings.Settings, error) {
	return k.Config.Load(ctx)
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

// PreparedLink is a link whose token is made but not yet stored: Put
// stores it, in the transaction of the flow that records Hash (a
// sign-up's profile holds it), and PublishLink sends it once that
// transaction succeeded.
type PreparedLink struct {
	Link
	Hash  string                  // the token's stored form, for the flow to record
	Put   types.TransactWriteItem // stores the token (only if no token has its hash)
	token string                  // what the event carries; never stored
}

// PrepareLink makes l's token without storing it.
func (k Kit) PrepareLink(l Link) (PreparedLink, error) {
	token, t, put, err := k.Tokens.Prepare(tokenOf(l), l.TTL)
	if err != nil {
		return PreparedLink{}, err
	}
	return PreparedLink{Link: l, Hash: t.Hash, Put: types.TransactWriteItem{Put: put}, token: token}, nil
}

// PublishLink publishes the event carrying p's token: only after the
// write that stored the token succeeded. A failed publish is 503
// notification_unavailable.
func (k Kit) PublishLink(ctx context.Context, p PreparedLink) error {
	data := map[string]string{"token": p.token}
	maps.Copy(data, p.Data)
	err := k.Notify.Publish(ctx, messaging.Event{Kind: p.Kind, ClientID: p.Client.ID, Email: p.To,
		Language: p.Client.Language, Data: data})
	if err != nil {
		return messaging.NotificationUnavailable().Because("publish "+p.Kind, err)
	}
	return nil
}

// SendLink issues l's token and publishes the event carrying it. record
// gives the profile update that keeps the token's hash where the flow
// needs it (nil: nowhere); the token and that update are one
// TransactWriteItems, so neither is written without the other, and the
// update's failed condition (the profile changed since it was read: the
// address confirmed or changed by a concurrent request) is 409
// client_changed with nothing written. Without record, the token is
// one PutItem (linktoken.Store.Issue). The event is published only once
// the write succeeded; a failed publish is 503 notification_unavailable
// (the token stays stored, and nobody holds it).
func (k Kit) SendLink(ctx context.Context, l Link, record func(hash string) *types.Update) error {
	if record == nil {
		token, t, err := k.Tokens.Issue(ctx, tokenOf(l), l.TTL)
		if err != nil {
			return err
		}
		return k.PublishLink(ctx, PreparedLink{Link: l, Hash: t.Hash, token: token})
	}
	p, err := k.PrepareLink(l)
	if err != nil {
		return err
	}
	err = k.Table.TransactWrite(ctx, []types.TransactWriteItem{p.Put, {Update: record(p.Hash)}})
	switch failed := dynamo.FailedConditions(err); {
	case slices.Contains(failed, 1):
		return apperr.New(apperr.Conflict, "client_changed", "the client's profile changed meanwhile; try again")
	case len(failed) > 0: // a token with the same hash: 256 random bits, never
		return apperr.Internalf("store "+l.Purpose+" token", err)
	case err != nil:
		return fmt.Errorf("store %s token: %w", l.Purpose, err)
	}
	return k.PublishLink(ctx, p)
}

// tokenOf is the record of l's token.
func tokenOf(l Link) linktoken.Token {
	return linktoken.Token{Purpose: l.Purpose, ClientID: l.Client.ID, Email: l.To, CredentialsVersion: l.Client.CredentialsVersion}
}
