// Package clientadmin is the clients function: the back office's view of
// clients (one by id or email address, or the directory page by page, with
// when each was last seen and whether it is online), the verification level
// and status an admin gives a client, its personal manager, and the audit
// trail of every admin change (read, and a section restored from it).
//
// A client's level and status are admin writes like any other: audited in
// the transaction that makes them, which also keeps the holders count of
// the level and status exact, so that neither can be deleted while a
// client holds it, however the assignment and the delete interleave.
package clientadmin

import (
	"context"

	"clientarea/internal/admindoc"
	"clientarea/internal/app"
	"clientarea/internal/app/outbound"
	"clientarea/internal/client/accounts"
	"clientarea/internal/client/clients"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/audit"
	"clientarea/internal/sections/verification/levels"
)

// service holds what the routes need, built once per cold start.
type service struct {
	table    dynamo.Table
	clock    clock.Clock
	clients  clients.Store
	levels   *admindoc.Store[levels.Level]
	statuses *admindoc.Store[levels.Status]
	opener   accounts.Opener
}

// Function wires the clients function.
func Function(_ context.Context, d *app.Deps) (*httpapi.Router, error) {
	env := d.AdminDocs()
	s := &service{
		table: d.Table, clock: d.Clock,
		clients:  clients.Store{Table: d.Table, Clock: d.Clock},
		levels:   levels.Levels(env),
		statuses: levels.Statuses(env),
		opener:   accounts.NewOpener(d.Table, d.Clock, outbound.Notifications(d)),
	}
	rt := httpapi.NewRouter()
	admin := d.Auth.RequireAdmin
	rt.Handle("GET /admin/clients", s.list, admin)
	rt.Handle("GET /admin/clients/{id}", s.get, admin)
	rt.Handle("PUT /admin/clients/{id}/verification", s.setVerification, admin)
	rt.Handle("PUT /admin/clients/{id}/manager", s.setManager, admin)
	rt.Handle("DELETE /admin/clients/{id}/manager", s.removeManager, admin)
	audit.Mount(rt, env)
	return rt, nil
}
