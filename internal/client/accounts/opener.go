package accounts

import (
	"context"
	"errors"
	"log/slog"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
)

// Opener opens client accounts under the configuration's rules. It holds
// no HTTP: the accounts function opens what clients ask for with it, and
// the flows that can make a client's signup account due (sign-up, email
// and phone confirmation, an admin's change of level or status) call
// EnsureSignupAccount.
type Opener struct {
	Table   dynamo.Table
	Clock   clock.Clock
	Clients clients.Store
	Notify  messaging.Publisher // activation letters
}

// NewOpener returns the opener of a function's table, clock and
// notification publisher: from a client function's kit,
// NewOpener(k.Table, k.Clock, k.Notify).
func NewOpener(table dynamo.Table, clk clock.Clock, notify messaging.Publisher) Opener {
	return Opener{Table: table, Clock: clk, Clients: clients.Store{Table: table, Clock: clk}, Notify: notify}
}

func (o Opener) store() store { return store{table: o.Table} }

// maxAttempts bounds how often an opening reads the profile again and
// decides again after its transaction found the profile changed.
const maxAttempts = 4

// SignupAccountDue reports whether c's signup account is due under cfg:
// open_account_on_signup is on, c has no live account and the rules allow
// it one. It reads nothing.
func SignupAccountDue(cfg settings.Settings, c clients.Client) bool {
	return cfg.Verification.OpenAccountOnSignup && c.LiveAccounts == 0 && len(Missing(cfg, c)) == 0
}

// EnsureSignupAccount opens c's signup account when it is due (see
// SignupAccountDue): one live account in the verification section's
// signup currency, opened_by "signup". Its transaction holds only while c
// has no live account, so that however many triggers race, and however
// often they run, it is opened at most once. c is the profile as the
// caller read it; cfg the configuration of the caller's request.
//
// When nothing is due it answers (false, nil) without a DynamoDB call, so
// every trigger may call it freely. opened is true when this call opened
// the account. A refusal found only on reading again (another trigger
// opened the account first, the limit filled meanwhile) is (false, nil).
// An account that opens active while registration's activation_letter is
// on gets its letter; when the letter cannot be published, the opening is
// undone and the error is 503 notification_unavailable, so that a later
// trigger opens it (and sends the letter) again.
func (o Opener) EnsureSignupAccount(ctx context.Context, c clients.Client, cfg settings.Settings) (opened bool, err error) {
	if !SignupAccountDue(cfg, c) {
		return false, nil
	}
	_, err = o.open(ctx, c, cfg, spec{kind: Live, currency: cfg.Verification.SignupCurrency(), openedBy: BySignup, signup: true})
	var r refusal
	if errors.As(err, &r) {
		return false, nil
	}
	return err == nil, err
}

// refusal is an opening the rules refused (what decide answered).
type refusal struct{ error }

func (r refusal) Unwrap() error { return r.error }

// open opens the account s asks for c under cfg: decided on c as read,
// written under the condition that what it was decided on still holds,
// and decided again on a fresh read when it does not. A signup spec opened
// by the client (a live account asked for while the signup account was
// due) turns into an ordinary opening when c has a live account by then.
func (o Opener) open(ctx context.Context, c clients.Client, cfg settings.Settings, s spec) (Account, error) {
	for attempt := 1; ; attempt++ {
		if s.signup && s.openedBy == ByClient && c.LiveAccounts > 0 {
			s.signup = false
		}
		if err := decide(cfg, c, s); err != nil {
			return Account{}, refusal{err}
		}
		a := newAccount(c.ID, s, cfg.General.ActivateOnCreate(), o.Clock.Now())
		err := o.store().open(ctx, c, a, cfg.General.Clients.MaxAccounts, s.signup)
		if err == nil {
			return a, o.announceOpening(ctx, c, cfg, a)
		}
		if !errors.Is(err, errChanged) {
			return Account{}, err
		}
		if attempt == maxAttempts {
			return Account{}, apperr.New(apperr.Unavailable, "busy", "the client's profile kept changing; try again")
		}
		if c, err = o.reread(ctx, c.ID); err != nil {
			return Account{}, err
		}
	}
}

// reread reads the profile of client id again.
func (o Opener) reread(ctx context.Context, id string) (clients.Client, error) {
	c, err := o.Clients.Get(ctx, id)
	if errors.Is(err, clients.ErrNotFound) {
		return c, apperr.New(apperr.NotFound, "not_found", "the client no longer exists")
	}
	return c, err
}

// OpenSignupAccountAfter is EnsureSignupAccount for a flow whose own write
// (a sign-up, a confirmation, an admin's level change) already succeeded
// and must stand: a failure is logged, not answered, and the account opens
// at the client's next visit to its accounts. what names the flow in the
// log.
func (o Opener) OpenSignupAccountAfter(ctx context.Context, what string, c clients.Client, cfg settings.Settings) {
	if _, err := o.EnsureSignupAccount(ctx, c, cfg); err != nil {
		slog.WarnContext(ctx, "signup account not opened after "+what, "client_id", c.ID, "error", err.Error())
	}
}
