package clientadmin

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/audit"
)

// manager is the body of PUT /admin/clients/{id}/manager.
type manager struct {
	ManagerID string `json:"manager_id"`
	Name      string `json:"name"`
}

func (m manager) validate() error {
	var f apperr.Fields
	f.Check(m.ManagerID != "" && len(m.ManagerID) <= 128, "manager_id", "must be 1-128 characters")
	n := len([]rune(m.Name))
	f.Check(n >= 1 && n <= 200, "name", "must be 1-200 characters")
	return f.Err()
}

// setManager assigns a personal manager, while the general section's
// personal_manager switch is on (409 feature_disabled otherwise).
func (s *service) setManager(w http.ResponseWriter, r *http.Request) error {
	var req manager
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	cfg, err := settings.Load(r.Context(), s.table)
	if err != nil {
		return err
	}
	if !cfg.General.Clients.PersonalManager {
		return apperr.New(apperr.Conflict, "feature_disabled",
			"personal managers are disabled in the general section (clients.personal_manager)")
	}
	return s.changeManager(w, r, &clients.Manager{ID: req.ManagerID, Name: req.Name}, &cfg)
}

// removeManager takes a client's manager away; allowed with the switch
// off too, so that admins can clear what it left behind.
func (s *service) removeManager(w http.ResponseWriter, r *http.Request) error {
	return s.changeManager(w, r, nil, nil)
}

func (s *service) changeManager(w http.ResponseWriter, r *http.Request, m *clients.Manager, cfg *settings.Settings) error {
	c, err := s.client(r)
	if err != nil {
		return err
	}
	if err := s.writeManager(r.Context(), c, m); err != nil {
		return err
	}
	c.Manager = m
	if cfg != nil { // read already
		return s.answerWith(w, c, *cfg)
	}
	return s.answer(w, r, c)
}

// writeManager sets m in one audited transaction.
func (s *service) writeManager(ctx context.Context, c clients.Client, m *clients.Manager) error {
	var before, after any
	if c.Manager != nil {
		before = map[string]any{"manager": c.Manager}
	}
	if m != nil {
		after = map[string]any{"manager": m}
	}
	check := admindoc.Check{Item: types.TransactWriteItem{Update: s.clients.ManagerUpdate(c.ID, m)}, Err: notFound(c.ID)}
	return s.commit(ctx, "set personal manager", c.ID, principal.From(ctx).Subject, before, after, []admindoc.Check{check})
}

// commit writes checks with the clients audit entry of actor's change to
// client id (before and after) in one transaction (admindoc.Commit); op
// names the write in errors.
func (s *service) commit(ctx context.Context, op, id, actor string, before, after any, checks []admindoc.Check) error {
	change := admindoc.Change{Section: audit.ClientsAudit, Subject: id, Actor: actor, At: s.clock.Now(),
		Before: before, After: after}
	return admindoc.Commit(ctx, s.table, op, change, checks)
}
