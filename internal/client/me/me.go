// Package me is the me function: what a client does for itself once signed
// in. Its profile and language; its phone number, confirmed by an SMS code
// and unique across clients; SMS 2FA on and off; the operation challenges
// that turn a second factor into a single-use operation token for the
// services that execute withdrawals, transfers and the rest (and their
// redemption, for those services); its sessions; its password and email
// address. Every /me route is behind the session authorizer.
//
// Changing a factor needs a fresh proof (ASVS 5.0 7.5.1): replacing or
// removing a confirmed phone and turning 2FA off need an operation token
// for that change, earned with an SMS code to the current confirmed phone,
// so that a stolen session alone cannot move a client's second factor.
package me

import (
	"context"
	"fmt"

	"clientarea/internal/admindoc"
	"clientarea/internal/app"
	"clientarea/internal/app/otpkey"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/optoken"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/verification/levels"
)

// service holds what the routes need, built once per cold start.
type service struct {
	kit.Kit
	optokens optoken.Store
	service  httpapi.Middleware // who may redeem operation tokens
	levels   *admindoc.Store[levels.Level]
	statuses *admindoc.Store[levels.Status]
}

// Function wires the me function. It sends SMS codes, so it refuses to
// start without the OTP key.
func Function(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
	codes, err := otpkey.Engine(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("the me function sends one-time passwords: %w (set OTP_KEY_SECRET_ARN)", err)
	}
	s := &service{
		Kit:      kit.New(d, codes),
		optokens: optoken.Store{Table: d.Table, Clock: d.Clock},
		service:  d.Auth.RequireService,
		levels:   levels.Levels(d.AdminDocs()),
		statuses: levels.Statuses(d.AdminDocs()),
	}
	return s.routes(), nil
}

func (s *service) routes() *httpapi.Router {
	rt := httpapi.NewRouter()
	client := principal.RequireSession
	rt.Handle("GET /me", s.profile, client)
	rt.Handle("PATCH /me", s.patchProfile, client)
	rt.Handle("POST /me/phone", s.setPhone, client)
	rt.Handle("POST /me/phone/verify", s.verifyPhone, client)
	rt.Handle("DELETE /me/phone", s.removePhone, client)
	rt.Handle("POST /me/tfa", s.enableTFA, client)
	rt.Handle("DELETE /me/tfa", s.disableTFA, client)
	rt.Handle("POST /me/tfa/challenges", s.challenge, client)
	rt.Handle("POST /me/tfa/challenges/{id}/verify", s.verifyChallenge, client)
	rt.Handle("GET /me/sessions", s.listSessions, client)
	rt.Handle("DELETE /me/sessions/{id}", s.endSession, client)
	rt.Handle("POST /me/password", s.changePassword, client)
	rt.Handle("POST /me/email", s.changeEmail, client)
	rt.Handle("GET /me/verification", s.verification, client)
	// For the services that execute operations: IAM-authorised in AWS.
	rt.Handle("POST /tfa/operation-tokens/consume", optoken.ConsumeHandler(s.optokens), s.service)
	return rt
}
