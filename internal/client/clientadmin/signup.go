package clientadmin

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/messaging"
)

// signupAccounts opens the account open_account_on_signup promises, once
// the rules allow it.
type signupAccounts interface {
	EnsureSignupAccount(ctx context.Context, c clients.Client, cfg settings.Settings) (bool, error)
}

func newSignupAccounts(d *app.Deps, notify messaging.Publisher) signupAccounts {
	return noSignupAccounts{}
}

type noSignupAccounts struct{}

func (noSignupAccounts) EnsureSignupAccount(context.Context, clients.Client, settings.Settings) (bool, error) {
	return false, nil
}
