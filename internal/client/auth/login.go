package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/password"
	"clientarea/internal/client/session"
	"clientarea/internal/client/settings"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// invalidCredentials is the one answer for an unknown address and a wrong
// password.
func invalidCredentials() error {
	return apperr.New(apperr.Unauthenticated, "invalid_credentials", "the email address or the password is wrong")
}

// login checks a password and answers a session, a second-factor
// challenge, or a session that may only set up the second factor.
func (s *service) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	var f apperr.Fields
	email, _ := clients.NormalizeEmail(req.Email)
	f.Check(email != "", "email", "is required")
	f.Check(req.Password != "", "password", "is required")
	f.Check(len(req.Password) <= 4*password.MaxLength, "password", "is too long")
	if err := f.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.Limit(ctx, loginRule(httpapi.SourceIP(ctx))); err != nil {
		return err
	}
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	c, err := s.authenticate(ctx, email, req.Password, cfg)
	if err != nil {
		return err
	}
	return s.secondStep(ctx, w, c, cfg)
}

// authenticate checks email and password under the login guard. Unknown
// addresses cost one dummy hash, as long as a wrong password, and count
// failures the same way: nothing tells them apart.
func (s *service) authenticate(ctx context.Context, email, pw string, cfg settings.Settings) (clients.Client, error) {
	now := s.Clock.Now()
	g, owner, err := s.readLogin(ctx, email, now)
	if err != nil {
		return clients.Client{}, err
	}
	c, err := clients.Client{}, clients.ErrNotFound
	if owner != "" {
		c, err = s.Clients.Get(ctx, owner)
	}
	if err != nil && !errors.Is(err, clients.ErrNotFound) {
		return clients.Client{}, err
	}
	ok, rehash := false, false
	if err == nil {
		if ok, rehash, err = password.Verify(c.PasswordHash, pw); err != nil {
			return clients.Client{}, apperr.Internalf("verify password", err)
		}
	} else {
		// The same work as for a known address: the profile read it
		// would have made, and a hash.
		_, _ = s.Clients.Get(ctx, unknownClient)
		password.SpendDummy(pw)
	}
	if !ok {
		max, lasts := cfg.Security.Lockout()
		if err := s.fail(ctx, g, max, lasts, now); err != nil {
			return clients.Client{}, err
		}
		return clients.Client{}, invalidCredentials()
	}
	if err := s.succeed(ctx, g); err != nil {
		return clients.Client{}, err
	}
	if rehash {
		s.upgradeHash(ctx, c, pw)
	}
	return c, nil
}

// unknownClient is the id whose profile an unknown address reads: none
// has it (ids are 32 hex digits).
const unknownClient = "none"

// upgradeHash stores pw hashed with today's parameters. A failure costs
// nothing but another try at the next login.
func (s *service) upgradeHash(ctx context.Context, c clients.Client, pw string) {
	hash, err := password.Hash(pw)
	if err == nil {
		err = s.Clients.UpgradeHash(ctx, c, hash)
	}
	if err != nil && !errors.Is(err, clients.ErrChanged) {
		slog.WarnContext(ctx, "password hash upgrade failed", "client_id", c.ID, "error", err.Error())
	}
}

// secondStep answers a password login: a code to the client's phone when
// 2FA applies and the client has a confirmed phone, a setup-only session
// when mandatory 2FA applies and it has none, a full session otherwise.
func (s *service) secondStep(ctx context.Context, w http.ResponseWriter, c clients.Client, cfg settings.Settings) error {
	wanted := c.TFAEnabled || cfg.Security.TFARequired("login")
	switch {
	case wanted && c.PhoneConfirmed():
		ch, err := s.Codes.Issue(ctx, cfg.Security.OTPPolicy(), otp.Request{
			Purpose: otp.Login, Subject: loginSubject(c), Phone: c.Phone, SourceIP: httpapi.SourceIP(ctx),
			Language: c.Language, DefaultLanguage: cfg.Languages.Default,
		})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]any{"tfa_required": true, "challenge_id": ch.ID,
			"expires_at": ch.ExpiresAt, "resend_after": ch.ResendAfter})
	case needsTFASetup(c, cfg):
		tokens, err := s.open(ctx, c, principal.ScopeTFASetup, cfg)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]any{"tfa_setup_required": true, "session": tokens})
	default:
		tokens, err := s.open(ctx, c, principal.ScopeFull, cfg)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, sessionAnswer(tokens))
	}
}

// open creates a session for c, provided c's password did not change since
// it was read: a reset that lands meanwhile wins.
func (s *service) open(ctx context.Context, c clients.Client, scope string, cfg settings.Settings) (session.Tokens, error) {
	tokens, err := s.Sessions.Create(ctx, c.ID, scope, kit.SessionLimits(cfg), s.Clients.SignedIn(c, s.Clock.Now()))
	if errors.Is(err, session.ErrChecksFailed) {
		return session.Tokens{}, invalidCredentials()
	}
	return tokens, err
}

// loginSubject is whom a login code is for: the client, as of its current
// password. A password change (a reset) makes the codes sent before it
// useless: they were earned with the old password.
func loginSubject(c clients.Client) string {
	return c.ID + "#" + strconv.FormatInt(c.CredentialsVersion, 10)
}

// loginVerify completes a login with the code sent to the client's phone.
func (s *service) loginVerify(w http.ResponseWriter, r *http.Request) error {
	req, err := otp.ReadAnswer(w, r, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	found, err := s.Codes.SubjectOf(ctx, req.ChallengeID, otp.Login)
	if err != nil {
		return err
	}
	if _, err := s.Codes.VerifyFound(ctx, found, req.Code); err != nil {
		return err
	}
	subject := found.Subject()
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	clientID, _, _ := strings.Cut(subject, "#")
	c, err := s.Clients.Get(ctx, clientID)
	if errors.Is(err, clients.ErrNotFound) || (err == nil && subject != loginSubject(c)) {
		return invalidCredentials() // gone, or its password changed since the code was sent
	}
	if err != nil {
		return err
	}
	tokens, err := s.open(ctx, c, principal.ScopeFull, cfg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sessionAnswer(tokens))
}
