package accounts

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// list is the answer of the listing routes.
type list struct {
	Items []Account `json:"items"`
}

// start is how the client routes begin: the caller and the configuration
// that governs the request (read at the same time).
func (s *service) start(ctx context.Context) (clients.Client, settings.Settings, error) {
	return s.CallerAndSettings(ctx)
}

// visit opens c's signup account if it has become due since c's last
// visit (a configuration change, say), and returns c as it then is. What
// the client asked for does not depend on it, so a failure is only logged:
// the next visit tries again.
func (s *service) visit(ctx context.Context, c clients.Client, cfg settings.Settings) clients.Client {
	opened, err := s.opener.EnsureSignupAccount(ctx, c, cfg)
	if err != nil {
		slog.WarnContext(ctx, "the signup account could not be opened", "client_id", c.ID,
			"code", apperr.CodeOf(err), "error", err.Error())
		return c
	}
	if opened {
		c.AccountCount++
		c.LiveAccounts++
	}
	return c
}

// listMine answers the caller's accounts.
func (s *service) listMine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, cfg, err := s.start(ctx)
	if err != nil {
		return err
	}
	return s.writeList(w, r, s.visit(ctx, c, cfg))
}

// writeList answers c's accounts.
func (s *service) writeList(w http.ResponseWriter, r *http.Request, c clients.Client) error {
	items, err := s.opener.store().list(r.Context(), c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, list{Items: items})
	return nil
}

// getMine answers one of the caller's accounts (where POST's Location
// points); another client's id is simply not found. The caller's profile
// and the account are read together; a caller whose client is gone is 401
// whatever the account.
func (s *service) getMine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("account_id")
	if !validID(id) {
		if _, err := s.Caller(ctx); err != nil {
			return err
		}
		return notFound()
	}
	_, a, err := s.clientAndAccount(ctx, principal.SessionOf(ctx).ClientID, id, kit.CallerGone)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, a)
	return nil
}

type openRequest struct {
	Kind     string `json:"kind"`
	Currency string `json:"currency"`
}

// openMine opens the account the caller asks for. While the caller's
// signup account is due, a live account asked for is that account (its
// opening carries the signup condition, so no trigger opens a second one
// beside it); any other request first opens the signup account, as every
// visit does.
func (s *service) openMine(w http.ResponseWriter, r *http.Request) error {
	var req openRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := checkSpec(req.Kind, req.Currency); err != nil {
		return err
	}
	ctx := r.Context()
	c, cfg, err := s.start(ctx)
	if err != nil {
		return err
	}
	want := spec{kind: req.Kind, currency: req.Currency, openedBy: ByClient}
	if req.Kind == Live && SignupAccountDue(cfg, c) {
		want.signup = true
	} else {
		c = s.visit(ctx, c, cfg)
	}
	a, err := s.opener.open(ctx, c, cfg, want)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/me/accounts/"+a.ID)
	httpapi.WriteJSON(w, http.StatusCreated, a)
	return nil
}

// client is the client a back-office route names, 404 when there is none.
func (s *service) client(ctx context.Context, id string) (clients.Client, error) {
	if !validID(id) {
		return clients.Client{}, noClient()
	}
	c, err := s.opener.Clients.Get(ctx, id)
	if errors.Is(err, clients.ErrNotFound) {
		return c, noClient()
	}
	return c, err
}

// clientAndAccount reads clientID's profile and its account accountID
// together (store.clientAndAccount): a missing client is answered with
// noSuchClient, whatever the account; a missing account is 404 not_found.
func (s *service) clientAndAccount(ctx context.Context, clientID, accountID string,
	noSuchClient func() error) (clients.Client, Account, error) {
	c, a, err := s.opener.store().clientAndAccount(ctx, clientID, accountID)
	switch {
	case errors.Is(err, clients.ErrNotFound):
		return c, a, noSuchClient()
	case errors.Is(err, errNoAccount):
		return c, a, notFound()
	}
	return c, a, err
}

func noClient() error { return apperr.New(apperr.NotFound, "not_found", "there is no such client") }

// listClients answers a client's accounts, for the back office.
func (s *service) listClients(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.client(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeList(w, r, c)
}

// activate makes a client's pending account active, for the back office.
// The profile and the account are read together; a missing client is
// answered before a missing account.
func (s *service) activate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, accountID := r.PathValue("id"), r.PathValue("account_id")
	if !validID(id) || !validID(accountID) {
		if _, err := s.client(ctx, id); err != nil {
			return err
		}
		return notFound()
	}
	c, account, err := s.clientAndAccount(ctx, id, accountID, noClient)
	if err != nil {
		return err
	}
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	a, err := s.opener.activate(ctx, c, account, principal.From(ctx).Subject, cfg)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, a)
	return nil
}
