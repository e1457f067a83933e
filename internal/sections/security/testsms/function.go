// Package testsms is the security function: the Security and Registration
// sections (package security, which every client function reads) served
// with the admin test SMS, the one part of it that sends codes and so needs
// the OTP key and its Secrets Manager secret, which the readers of the
// sections must not link.
package testsms

import (
	"context"
	"fmt"

	"clientarea/internal/admindoc"
	"clientarea/internal/app"
	"clientarea/internal/app/otpkey"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/security"
)

// Function wires the security function: the Security and Registration
// sections and the admin test SMS. It sends one-time passwords, so it
// refuses to start without the OTP key.
func Function(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
	codes, err := otpkey.Engine(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("the security function sends one-time passwords: %w (set OTP_KEY_SECRET_ARN)", err)
	}
	rt := httpapi.NewRouter()
	store := admindoc.Mount(rt, d.AdminDocs(), security.Section())
	admindoc.Mount(rt, d.AdminDocs(), security.RegistrationSection())
	Mount(rt, store, codes, d.Auth.RequireAdmin)
	return rt, nil
}
