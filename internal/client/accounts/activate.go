package accounts

import (
	"context"
	"errors"
	"log/slog"

	"clientarea/internal/admindoc"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/apperr"
)

// AuditSection is the audit trail of account activations
// (GET /admin/audit?section=accounts); an entry's subject is
// "<client id>/<account id>", its before and after the account.
const AuditSection = "accounts"

func notFound() error {
	return apperr.New(apperr.NotFound, "not_found", "the client has no such account")
}

func notPending(status string) error {
	return apperr.Newf(apperr.Conflict, "account_not_pending", "the account is %s, not pending", status)
}

// errRaced is an activation whose condition failed: the account changed
// (another admin activated it) or went since it was read.
var errRaced = errors.New("the account changed meanwhile")

// activate makes a, c's account as just read, active if it is pending, as
// admin actor: one conditional update (pending to active) with its audit
// entry, in one transaction, so that of racing activations exactly one
// wins. The winner then sends the activation letter when cfg asks for it;
// when that fails the activation is taken back (conditional on it still
// being the one made here, and audited too) and the answer is 503.
func (o Opener) activate(ctx context.Context, c clients.Client, a Account, actor string, cfg settings.Settings) (Account, error) {
	if a.Status != Pending {
		return Account{}, notPending(a.Status)
	}
	now := o.Clock.Now().UTC()
	active := a
	active.Status, active.ActivatedAt = Active, &now
	if err := o.commitStatus(ctx, a, active, actor); err != nil {
		if errors.Is(err, errRaced) {
			return Account{}, o.whyNot(ctx, a)
		}
		return Account{}, err
	}
	if !cfg.Registration.ActivationLetter {
		return active, nil
	}
	sendErr := o.letter(ctx, c, active)
	if sendErr == nil {
		return active, nil
	}
	if err := o.commitStatus(ctx, active, a, actor); err != nil {
		slog.ErrorContext(ctx, "an activation whose letter failed could not be taken back",
			"client_id", c.ID, "account_id", a.ID, "error", err.Error())
		return Account{}, errors.Join(sendErr, err)
	}
	return Account{}, sendErr
}

// whyNot answers an activation of a that lost its condition: the account
// is gone (404) or no longer pending (409).
func (o Opener) whyNot(ctx context.Context, a Account) error {
	now, err := o.store().get(ctx, a.ClientID, a.ID)
	switch {
	case errors.Is(err, errNoAccount):
		return notFound()
	case err != nil:
		return err
	}
	return notPending(now.Status)
}

// commitStatus moves account from to to's status, with its audit entry,
// in one transaction; errRaced when from is no longer the account's state.
func (o Opener) commitStatus(ctx context.Context, from, to Account, actor string) error {
	check, err := statusChange(from, to, errRaced)
	if err != nil {
		return err
	}
	return admindoc.Commit(ctx, o.Table, "change account status", admindoc.Change{
		Section: AuditSection, Subject: from.ClientID + "/" + from.ID, Actor: actor, At: o.Clock.Now(),
		Before: from, After: to,
	}, []admindoc.Check{check})
}
