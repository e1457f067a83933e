package auth

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/password"
	"clientarea/internal/client/settings"
	"clientarea/internal/i18n/locales"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/security"
	"clientarea/internal/sections/verification/levels"
)

type signupRequest struct {
	Email    string  `json:"email"`
	Password string  `json:"password"`
	Phone    *string `json:"phone"`
	Language *string `json:"language"`
	Type     *string `json:"type"`
}

// signup creates a client, claims its email (and phone), starts what the
// registration section asks to confirm and opens its first session.
func (s *service) signup(w http.ResponseWriter, r *http.Request) error {
	var req signupRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if err := s.Limit(ctx, signupRule(httpapi.SourceIP(ctx))); err != nil {
		return err
	}
	c, err := newClient(req, cfg, s.Clock.Now())
	if err != nil {
		return err
	}
	if c.PasswordHash, err = password.Hash(req.Password); err != nil {
		return apperr.Internalf("hash password", err)
	}
	scope := principal.ScopeFull
	if needsTFASetup(c, cfg) {
		scope = principal.ScopeTFASetup
	}
	// The first session, and the email confirmation's token with its hash
	// on the profile, are written with the client: a sign-up either
	// answers 201 with all of them, or leaves nothing behind to retry
	// against.
	first, err := s.Sessions.Prepare(c.ID, scope, kit.SessionLimits(cfg))
	if err != nil {
		return err
	}
	with := first.Items
	var link *kit.PreparedLink
	if c.EmailState == clients.Pending {
		p, err := s.PrepareLink(emailConfirmation(c))
		if err != nil {
			return err
		}
		c.EmailToken, link, with = p.Hash, &p, append(with, p.Put)
	}
	if err := s.Clients.Create(ctx, c, with...); err != nil {
		return err
	}
	s.accounts.OpenSignupAccountAfter(ctx, "sign-up", c, cfg)
	answer := map[string]any{"client_id": c.ID}
	if link != nil {
		if err := s.PublishLink(ctx, *link); err != nil { // a failure leaves the resend route
			slog.WarnContext(ctx, "the email confirmation was not sent", "client_id", c.ID, "error", err.Error())
		}
	}
	if c.PhoneState == clients.Pending {
		if ch, ok := s.sendPhoneConfirmation(ctx, c, cfg); ok {
			answer["phone_challenge"] = ch
		}
	}
	answer["status"], answer["confirmation"], answer["session"] = c.StatusText(), c.Confirmation(), first.Tokens
	if scope == principal.ScopeTFASetup {
		answer["tfa_setup_required"] = true
	}
	return writeJSON(w, http.StatusCreated, answer)
}

// newClient validates a sign-up against the configuration and returns the
// client it creates (without its password hash).
func newClient(req signupRequest, cfg settings.Settings, now time.Time) (clients.Client, error) {
	var f apperr.Fields
	email, emailOK := clients.NormalizeEmail(req.Email)
	f.Check(emailOK, "email", "must be an email address such as ann@example.com")
	if err := f.Include(password.Check(req.Password, email)); err != nil {
		return clients.Client{}, err
	}
	lang := languageOf(req.Language, cfg)
	f.Check(lang != "", "language", "must be one of the enabled languages %v", cfg.Languages.Enabled())
	typ := cfg.Registration.DefaultClientType
	if req.Type != nil {
		typ = *req.Type
	}
	f.Check(slices.Contains(security.ClientTypes(), typ), "type", "must be one of %v", security.ClientTypes())
	phoneGiven := req.Phone != nil && strings.TrimSpace(*req.Phone) != ""
	f.Check(phoneGiven || !cfg.Registration.PhoneConfirmation(), "phone",
		"is required: sign-ups are confirmed by SMS")
	if err := f.Err(); err != nil {
		return clients.Client{}, err
	}
	c := clients.Client{
		ID: clients.NewID(), Email: email, Type: typ, Language: lang,
		EmailState: clients.NotRequired, PhoneState: clients.NotRequired,
		Status: levels.DefaultStatus, CreatedAt: now.UTC(), LastSeenAt: &now, // signing up is being seen
	}
	if cfg.Registration.EmailConfirmation() {
		c.EmailState = clients.Pending
	}
	if phoneGiven {
		number, err := otp.CheckNumber(cfg.Security.OTPPolicy(), *req.Phone)
		if err != nil {
			return clients.Client{}, err
		}
		c.Phone = number
		if cfg.Registration.PhoneConfirmation() {
			c.PhoneState = clients.Pending
		}
	}
	return c, nil
}

// languageOf is the client's language: the one asked for when it is
// enabled ("" when it is not), else the default one.
func languageOf(asked *string, cfg settings.Settings) string {
	if asked == nil || *asked == "" {
		return cfg.Languages.Default
	}
	code := *asked
	if l, ok := locales.Lookup(code); ok {
		code = l.Code
	}
	if !cfg.Languages.IsEnabled(code) {
		return ""
	}
	return code
}

// needsTFASetup reports whether c must set up 2FA before anything else:
// mandatory 2FA covers login, and c has no confirmed phone to receive codes.
func needsTFASetup(c clients.Client, cfg settings.Settings) bool {
	return cfg.Security.TFARequired("login") && !c.PhoneConfirmed()
}

// sendPhoneConfirmation sends the code that confirms c's number. Failing
// (a send budget, SNS) does not undo the sign-up: the answer then carries
// no challenge and the client asks for a code again on the resend route.
func (s *service) sendPhoneConfirmation(ctx context.Context, c clients.Client, cfg settings.Settings) (otp.Challenge, bool) {
	ch, err := s.Codes.Issue(ctx, cfg.Security.OTPPolicy(), otp.Request{
		Purpose: otp.PhoneConfirmation, Subject: c.ID, Phone: c.Phone, SourceIP: httpapi.SourceIP(ctx),
		Language: c.Language, DefaultLanguage: cfg.Languages.Default,
	})
	if err != nil {
		slog.WarnContext(ctx, "sign-up: the phone confirmation code was not sent", "client_id", c.ID, "code", apperr.CodeOf(err))
		return otp.Challenge{}, false
	}
	return ch, true
}
