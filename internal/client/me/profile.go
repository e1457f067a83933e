package me

import (
	"fmt"
	"net/http"
	"time"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/i18n/locales"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// start is how the routes that read the configuration begin: the body
// decoded into body (nil: the route takes none; see decodeOptional), then
// the caller and the configuration that governs the request (read at the
// same time).
func (s *service) start(w http.ResponseWriter, r *http.Request, body any) (clients.Client, settings.Settings, error) {
	if body != nil {
		if err := decodeOptional(w, r, body); err != nil {
			return clients.Client{}, settings.Settings{}, err
		}
	}
	return s.CallerAndSettings(r.Context())
}

// decodeOptional decodes a JSON body, if the request has one: DELETE
// routes take an optional body (an operation token).
func decodeOptional(w http.ResponseWriter, r *http.Request, body any) error {
	if r.Method == http.MethodDelete && r.ContentLength == 0 {
		return nil
	}
	return httpapi.DecodeJSON(w, r, body)
}

// Profile is what GET /me answers.
type Profile struct {
	ClientID            string               `json:"client_id"`
	Email               string               `json:"email"`
	PendingEmail        *string              `json:"pending_email"`
	Type                string               `json:"type"`
	Language            string               `json:"language"`
	Phone               *string              `json:"phone"` // masked
	PhoneConfirmed      bool                 `json:"phone_confirmed"`
	TFAEnabled          bool                 `json:"tfa_enabled"`
	Status              string               `json:"status"`
	Confirmation        clients.Confirmation `json:"confirmation"`
	ConfirmationPending bool                 `json:"confirmation_pending"`
	// RequiredActions is what the client must still do, in order:
	// confirm_email, confirm_phone, setup_tfa (mandatory 2FA, no phone).
	RequiredActions []string   `json:"required_actions"`
	SessionScope    string     `json:"session_scope"`
	CreatedAt       time.Time  `json:"created_at"`
	LastSeenAt      *time.Time `json:"last_seen_at"`
	// Manager is the client's personal manager, while the general
	// section's personal_manager switch is on.
	Manager *clients.Manager `json:"manager"`
}

func profileOf(c clients.Client, cfg settings.Settings, scope string) Profile {
	p := Profile{ClientID: c.ID, Email: c.Email, Type: c.Type, Language: c.Language,
		PhoneConfirmed: c.PhoneConfirmed(), TFAEnabled: c.TFAEnabled, Status: c.StatusText(),
		Confirmation: c.Confirmation(), ConfirmationPending: !c.Confirmed(), RequiredActions: []string{},
		SessionScope: scope, CreatedAt: c.CreatedAt, LastSeenAt: c.LastSeenAt}
	if c.Phone != "" {
		masked := logging.MaskPhone(c.Phone)
		p.Phone = &masked
	}
	if c.PendingEmail != "" {
		p.PendingEmail = &c.PendingEmail
	}
	if cfg.General.Clients.PersonalManager {
		p.Manager = c.Manager
	}
	if c.EmailState == clients.Pending {
		p.RequiredActions = append(p.RequiredActions, "confirm_email")
	}
	if c.PhoneState == clients.Pending {
		p.RequiredActions = append(p.RequiredActions, "confirm_phone")
	}
	if cfg.Security.MandatoryTFA && !c.PhoneConfirmed() {
		p.RequiredActions = append(p.RequiredActions, "setup_tfa")
	}
	return p
}

// profile answers the caller's profile.
func (s *service) profile(w http.ResponseWriter, r *http.Request) error {
	c, cfg, err := s.start(w, r, nil)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, profileOf(c, cfg, principal.SessionOf(r.Context()).Scope))
	return nil
}

type patchRequest struct {
	Language *string `json:"language"`
}

// patchProfile changes what a client may change without proof: its
// language. The body is checked before anything is read: a code that
// names no language at all costs no read; whether a language is enabled
// is the configuration's to say, which is read before the profile.
func (s *service) patchProfile(w http.ResponseWriter, r *http.Request) error {
	var req patchRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	var lang string
	if req.Language != nil {
		l, ok := locales.Lookup(*req.Language)
		if !ok {
			return invalidLanguage(nil)
		}
		lang = l.Code
	}
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if req.Language != nil && !cfg.Languages.IsEnabled(lang) {
		return invalidLanguage(cfg.Languages.Enabled())
	}
	c, err := s.Caller(ctx)
	if err != nil {
		return err
	}
	if req.Language != nil {
		if err := s.Clients.SetLanguage(ctx, c, lang); err != nil {
			return err
		}
		c.Language = lang
	}
	httpapi.WriteJSON(w, http.StatusOK, profileOf(c, cfg, principal.SessionOf(ctx).Scope))
	return nil
}

// invalidLanguage is the answer for a language that is not enabled (or
// names none: enabled nil).
func invalidLanguage(enabled []string) error {
	msg := "must be one of the enabled languages"
	if enabled != nil {
		msg = fmt.Sprintf("must be one of the enabled languages %v", enabled)
	}
	return apperr.Validation(apperr.FieldError{Field: "language", Message: msg})
}
