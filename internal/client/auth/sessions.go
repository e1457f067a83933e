package auth

import (
	"net/http"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// refresh rotates a session's tokens (package session: a rotated refresh
// token that comes back revokes the whole session).
func (s *service) refresh(w http.ResponseWriter, r *http.Request) error {
	var req refreshRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" {
		return apperr.Validation(apperr.FieldError{Field: "refresh_token", Message: "is required"})
	}
	tokens, err := s.Sessions.RefreshAsConfigured(r.Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sessionAnswer(tokens))
}

// logout ends the caller's session, server-side: its tokens stop working
// at once (the authorizer reads the session on every request). The
// authorizer handed over the session's client, so the end reads nothing.
func (s *service) logout(w http.ResponseWriter, r *http.Request) error {
	me := principal.SessionOf(r.Context())
	if err := s.Sessions.Revoke(r.Context(), me.ClientID, me.SessionID); err != nil {
		return err
	}
	httpapi.WriteNoContent(w)
	return nil
}
