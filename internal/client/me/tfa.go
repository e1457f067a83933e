package me

import (
	"errors"
	"net/http"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// enableTFA turns SMS 2FA on for a client with a confirmed phone. It is a
// factor change: the client's other sessions end. A session that could
// only set up 2FA is upgraded: it ends, and the answer carries a new full
// session in its place.
func (s *service) enableTFA(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.Caller(ctx)
	if err != nil {
		return err
	}
	if !c.PhoneConfirmed() {
		return apperr.New(apperr.Conflict, "phone_required", "two-factor authentication needs a confirmed phone: POST /me/phone first")
	}
	if err := s.Clients.SetTFA(ctx, c, true); err != nil {
		if errors.Is(err, clients.ErrChanged) {
			return apperr.New(apperr.Conflict, "phone_changed", "the phone changed meanwhile; start again")
		}
		return err
	}
	current := principal.SessionOf(ctx)
	answer := map[string]any{"tfa_enabled": true}
	if current.Scope == principal.ScopeTFASetup {
		cfg, err := s.Settings(ctx)
		if err != nil {
			return err
		}
		tokens, err := s.Sessions.Create(ctx, c.ID, principal.ScopeFull, kit.SessionLimits(cfg))
		if err != nil {
			return err
		}
		answer["session"] = tokens
		current.SessionID = tokens.SessionID // the setup session ends with the others
	}
	if err := s.Sessions.RevokeAll(ctx, c.ID, current.SessionID); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, answer)
	return nil
}

// stepUpRequest is the optional body of the DELETE routes that remove a
// factor: the operation token that proves the change.
type stepUpRequest struct {
	OperationToken *string `json:"operation_token"`
}

// disableTFA turns SMS 2FA off: never while the admins made 2FA mandatory
// (403 tfa_mandatory), and only with an operation token for disable_tfa,
// earned with a code to the client's phone. The other sessions end.
func (s *service) disableTFA(w http.ResponseWriter, r *http.Request) error {
	var req stepUpRequest
	c, cfg, err := s.start(w, r, &req)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if cfg.Security.MandatoryTFA {
		return apperr.New(apperr.Forbidden, "tfa_mandatory", "two-factor authentication is mandatory here: it cannot be turned off")
	}
	if !c.TFAEnabled {
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"tfa_enabled": false})
		return nil
	}
	if err := s.stepUp(ctx, c, opDisableTFA, req.OperationToken); err != nil {
		return err
	}
	if err := s.Clients.SetTFA(ctx, c, false); err != nil {
		return err
	}
	if err := s.Sessions.RevokeAll(ctx, c.ID, principal.SessionOf(ctx).SessionID); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"tfa_enabled": false})
	return nil
}
