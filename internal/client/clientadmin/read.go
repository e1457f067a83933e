package clientadmin

import (
	"errors"
	"net/http"
	"strings"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

func (s *service) get(w http.ResponseWriter, r *http.Request) error {
	c, err := s.client(r)
	if err != nil {
		return err
	}
	return s.answer(w, r, c)
}

// client is the client the path names: 404 when there is none.
func (s *service) client(r *http.Request) (clients.Client, error) {
	id := r.PathValue("id")
	c, err := s.clients.Get(r.Context(), id)
	if errors.Is(err, clients.ErrNotFound) {
		return c, notFound(id)
	}
	return c, err
}

func notFound(id string) error {
	return apperr.Newf(apperr.NotFound, "not_found", "there is no client %q", id)
}

// answer writes c's view; online needs the session settings.
func (s *service) answer(w http.ResponseWriter, r *http.Request, c clients.Client) error {
	cfg, err := settings.Load(r.Context(), s.table)
	if err != nil {
		return err
	}
	return s.answerWith(w, c, cfg)
}

// answerWith writes c's view with the settings the request read already
// (one Query of the configuration per request).
func (s *service) answerWith(w http.ResponseWriter, c clients.Client, cfg settings.Settings) error {
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, viewOf(c, cfg, s.clock.Now()))
	return nil
}

// listAnswer is a page of the client list.
type listAnswer struct {
	Items      []View  `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// list answers the directory page by page, newest sign-ups first, or with
// ?email= the one client holding that address (any case), if any.
func (s *service) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := httpapi.PageLimit(q)
	if err != nil {
		return err
	}
	var page clients.Page
	if q.Has("email") {
		page, err = s.byEmail(r, strings.TrimSpace(q.Get("email")))
	} else {
		page, err = s.clients.List(r.Context(), limit, q.Get("cursor"))
	}
	if err != nil {
		return err
	}
	cfg, err := settings.Load(r.Context(), s.table)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	out := listAnswer{Items: make([]View, 0, len(page.Clients))}
	for _, c := range page.Clients {
		out.Items = append(out.Items, viewOf(c, cfg, now))
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *service) byEmail(r *http.Request, email string) (clients.Page, error) {
	if email == "" || len(email) > 254 {
		return clients.Page{}, apperr.InvalidField("validation_failed", "email", "must be an email address")
	}
	c, err := s.clients.ByEmail(r.Context(), email)
	switch {
	case errors.Is(err, clients.ErrNotFound):
		return clients.Page{}, nil
	case err != nil:
		return clients.Page{}, err
	}
	return clients.Page{Clients: []clients.Client{c}}, nil
}
