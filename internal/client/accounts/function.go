// Package accounts is the accounts function: a client lists and opens its
// own accounts (/me/accounts) under the configuration's rules, and the
// back office lists a client's accounts and activates pending ones
// (/admin/clients/{id}/accounts/...). Its Opener, free of HTTP, is also
// what the other client flows call to open the signup account
// (EnsureSignupAccount), and Missing is what GET /me/verification shows a
// client still lacks.
//
// Opening an account is one transaction: the account's Put and the
// profile's counters (account_count, live_accounts), under the condition
// that max_accounts is not reached and that the profile still holds what
// the rules were decided on. So concurrent openings never pass the limit,
// and a level, status or confirmation that changes meanwhile makes the
// opening decide again rather than slip through.
package accounts

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/client/kit"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// service holds what the routes need, built once per cold start.
type service struct {
	kit.Kit
	opener Opener
}

// Function wires the accounts function.
func Function(_ context.Context, d *app.Deps) (*httpapi.Router, error) {
	k := kit.New(d, nil) // sends no codes
	s := &service{Kit: k, opener: NewOpener(k.Table, k.Clock, k.Notify)}
	rt := httpapi.NewRouter()
	client, admin := principal.RequireSession, d.Auth.RequireAdmin
	rt.Handle("GET /me/accounts", s.listMine, client)
	rt.Handle("POST /me/accounts", s.openMine, client)
	rt.Handle("GET /me/accounts/{account_id}", s.getMine, client)
	rt.Handle("GET /admin/clients/{id}/accounts", s.listClients, admin)
	rt.Handle("POST /admin/clients/{id}/accounts/{account_id}/activate", s.activate, admin)
	return rt, nil
}
