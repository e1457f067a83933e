package clientadmin

import (
	"context"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
)

// openSignupAccount opens the account open_account_on_signup promises if
// the client's new level and status are what it waited for. The
// assignment stands whatever happens here.
func (s *service) openSignupAccount(ctx context.Context, c clients.Client, cfg settings.Settings) {
	s.opener.OpenSignupAccountAfter(ctx, "a verification change", c, cfg)
}
