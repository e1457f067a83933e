package security

import (
	"context"
	"fmt"

	"clientarea/internal/admindoc"
	"clientarea/internal/app"
	"clientarea/internal/app/outbound"
	"clientarea/internal/platform/httpapi"
)

// Function wires the security function: the Security and Registration
// sections and the admin test SMS. It sends one-time passwords, so it
// refuses to start without the OTP key.
func Function(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
	codes, err := outbound.OTP(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("the security function sends one-time passwords: %w (set OTP_KEY_SECRET_ARN)", err)
	}
	rt := httpapi.NewRouter()
	store := admindoc.Mount(rt, d.AdminDocs(), Section())
	admindoc.Mount(rt, d.AdminDocs(), RegistrationSection())
	MountTestSMS(rt, store, codes, d.Auth.RequireAdmin)
	return rt, nil
}
