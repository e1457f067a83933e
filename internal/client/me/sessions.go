package me

import (
	"errors"
	"net/http"
	"time"

	"clientarea/internal/client/session"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// sessionView is one of a client's sessions, as it sees them.
type sessionView struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Scope      string    `json:"scope"`
	Current    bool      `json:"current"`
}

// listSessions answers the client's sessions, newest first, the one making
// the request marked current (ASVS 7.5.2).
func (s *service) listSessions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := principal.SessionOf(ctx)
	list, err := s.Sessions.List(ctx, me.ClientID)
	if err != nil {
		return err
	}
	items := make([]sessionView, len(list))
	for i, in := range list {
		items[i] = sessionView{ID: in.ID, CreatedAt: in.CreatedAt, LastSeenAt: in.LastSeenAt, Scope: in.Scope, Current: in.ID == me.SessionID}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// endSession ends one of the client's own sessions (the current one too:
// that is a logout). Another client's session is not found.
func (s *service) endSession(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := principal.SessionOf(ctx)
	err := s.Sessions.RevokeOwn(ctx, me.ClientID, r.PathValue("id"))
	if errors.Is(err, session.ErrNotOwn) {
		return apperr.New(apperr.NotFound, "not_found", "the client has no such session")
	}
	if err != nil {
		return err
	}
	httpapi.WriteNoContent(w)
	return nil
}
