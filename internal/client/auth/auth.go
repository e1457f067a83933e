// Package auth is the auth function: how clients sign up, confirm their
// email address and phone number, log in (with an SMS code as the second
// factor when the client or the admins ask for one), refresh and end
// sessions, and reset a forgotten password. Every rule reads the
// configuration the admins saved, at request time (package settings).
//
// The steps of each flow are here; the things they work on live in their
// own packages: the client profile (clients), sessions (session),
// passwords (password), emailed single-use tokens (linktoken) and SMS
// codes (otp).
package auth

import (
	"context"
	"fmt"
	"net/http"

	"clientarea/internal/app"
	"clientarea/internal/app/otpkey"
	"clientarea/internal/app/outbound"
	"clientarea/internal/client/accounts"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/session"
	"clientarea/internal/otp"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// service holds what the flows need, built once per cold start.
type service struct {
	kit.Kit
	guardKey []byte          // keys the hashes that name the login guards
	accounts accounts.Opener // the account open_account_on_signup promises
}

// Function wires the auth function. It sends SMS codes, so it refuses to
// start without the OTP key.
func Function(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
	key, err := otpkey.Of(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("the auth function sends one-time passwords: %w (set OTP_KEY_SECRET_ARN)", err)
	}
	k := kit.New(d, otp.New(d.Table, d.Clock, key, outbound.SMS(d)))
	s := &service{Kit: k, guardKey: key, accounts: accounts.NewOpener(k.Table, k.Clock, k.Notify)}
	return s.routes(), nil
}

func (s *service) routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	rt.Handle("POST /auth/signup", s.signup)
	rt.Handle("POST /auth/confirm-email", s.confirmEmail)
	rt.Handle("POST /auth/login", s.login)
	rt.Handle("POST /auth/login/verify", s.loginVerify)
	rt.Handle("POST /auth/refresh", s.refresh)
	rt.Handle("POST /auth/password-reset", s.passwordReset)
	rt.Handle("POST /auth/password-reset/confirm", s.passwordResetConfirm)
	// Behind the session authorizer.
	rt.Handle("POST /auth/logout", s.logout, principal.RequireSession)
	rt.Handle("POST /auth/confirm-email/resend", s.resendEmail, principal.RequireSession)
	rt.Handle("POST /auth/confirm-phone", s.confirmPhone, principal.RequireSession)
	rt.Handle("POST /auth/confirm-phone/resend", s.resendPhone, principal.RequireSession)
	return rt
}

// sessionAnswer is the "session" object of the answers.
func sessionAnswer(t session.Tokens) map[string]any {
	return map[string]any{"session": t}
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	httpapi.WriteJSON(w, status, v)
	return nil
}
