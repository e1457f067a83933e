package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"log/slog"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/linktoken"
	"clientarea/internal/messaging"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/ratelimit"
)

// How long an email-confirmation link works.
const emailTokenTTL = 24 * time.Hour

// emailConfirmation is the link that confirms c's address.
func emailConfirmation(c clients.Client) kit.Link {
	return kit.Link{Client: c, To: c.Email, Purpose: linktoken.ConfirmEmail,
		Kind: messaging.KindEmailVerification, TTL: emailTokenTTL}
}

// sendEmailConfirmation issues c's confirmation token and makes it the
// only one that works (one transaction), then publishes the event a
// mailer turns into the email.
func (s *service) sendEmailConfirmation(ctx context.Context, c clients.Client) error {
	err := s.SendLink(ctx, emailConfirmation(c),
		func(hash string) *types.Update { return s.Clients.EmailTokenUpdate(c, hash) })
	if err != nil {
		slog.WarnContext(ctx, "the email confirmation was not sent", "client_id", c.ID, "error", err.Error())
	}
	return err
}

type tokenRequest struct {
	Token string `json:"token"`
}

// confirmEmail uses an emailed confirmation token: the address given at
// sign-up is confirmed, or the address a client asked to change to
// replaces the old one (package me). Either way the token is consumed in
// the transaction that does it.
func (s *service) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Token == "" {
		return apperr.Validation(apperr.FieldError{Field: "token", Message: "is required"})
	}
	ctx := r.Context()
	t, err := s.Tokens.Peek(ctx, req.Token, linktoken.ConfirmEmail, linktoken.ChangeEmail)
	if err != nil {
		return err
	}
	if t.Purpose == linktoken.ChangeEmail {
		c, err := s.changeEmail(ctx, t)
		if err != nil {
			return err
		}
		return s.writeConfirmation(ctx, w, c)
	}
	err = s.Table.TransactWrite(ctx, []types.TransactWriteItem{
		s.Tokens.Consume(t), {Update: s.Clients.ConfirmEmailUpdate(t.ClientID, t.Email, t.Hash)},
	})
	if len(dynamo.FailedConditions(err)) > 0 {
		err = linktoken.Invalid()
	}
	if err != nil {
		return err
	}
	c, err := s.Clients.Get(ctx, t.ClientID) // not read before: the token named the client
	if err != nil {
		return err
	}
	return s.writeConfirmation(ctx, w, c)
}

// changeEmail makes the address t was sent to its client's address: the
// new address is claimed, the old released, the token used, at once. It
// returns the client as read, with what the transaction wrote.
func (s *service) changeEmail(ctx context.Context, t linktoken.Token) (clients.Client, error) {
	c, err := s.Clients.Get(ctx, t.ClientID)
	if errors.Is(err, clients.ErrNotFound) || (err == nil && c.PendingEmail != t.Email) {
		return c, linktoken.Invalid()
	}
	if err != nil {
		return c, err
	}
	items, err := s.Clients.ChangeEmailItems(c, t.Hash)
	if err != nil {
		return c, err
	}
	err = s.Table.TransactWrite(ctx, append(items, s.Tokens.Consume(t)))
	failed := dynamo.FailedConditions(err)
	switch {
	case slices.Contains(failed, 0):
		return c, clients.EmailTaken()
	case len(failed) > 0:
		return c, linktoken.Invalid()
	case err != nil:
		return c, err
	}
	return c.EmailChanged(), nil
}

// writeConfirmation answers c's confirmation state, once a confirmation
// succeeded (c is the profile as that confirmation left it); it may be
// what open_account_on_signup waited for.
func (s *service) writeConfirmation(ctx context.Context, w http.ResponseWriter, c clients.Client) error {
	if c.Confirmed() {
		if cfg, err := s.Settings(ctx); err == nil {
			s.accounts.OpenSignupAccountAfter(ctx, "a confirmation", c, cfg)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": c.StatusText(), "confirmation": c.Confirmation()})
}

// What a client confirms.
const (
	emailAddress = "email address"
	phoneNumber  = "phone number"
)

// pending returns the caller, refusing with 409 already_confirmed unless
// what (emailAddress or phoneNumber) is still to be confirmed.
func (s *service) pending(ctx context.Context, what string) (clients.Client, error) {
	c, err := s.Caller(ctx)
	if err != nil {
		return c, err
	}
	state := c.PhoneState
	if what == emailAddress {
		state = c.EmailState
	}
	if state != clients.Pending {
		return c, apperr.Newf(apperr.Conflict, "already_confirmed", "the %s is already confirmed, or needs no confirmation", what)
	}
	return c, nil
}

// resendEmail sends a new confirmation email; the earlier links stop working.
func (s *service) resendEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.pending(ctx, emailAddress)
	if err != nil {
		return err
	}
	rule := ratelimit.Rule{Kind: "auth_mail_client", Subject: c.ID, Limit: mailsPerClient, Per: time.Hour}
	if err := s.Limit(ctx, rule); err != nil {
		return err
	}
	if err := s.sendEmailConfirmation(ctx, c); err != nil {
		return messaging.NotificationUnavailable().Because("resend email confirmation", err)
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"status": c.StatusText(), "confirmation": c.Confirmation()})
}

// confirmPhone confirms the client's number with the code sent to it.
func (s *service) confirmPhone(w http.ResponseWriter, r *http.Request) error {
	req, err := otp.ReadAnswer(w, r, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.pending(ctx, phoneNumber)
	if err != nil {
		return err
	}
	if err := s.Codes.VerifyNumber(ctx, req.ChallengeID, otp.PhoneConfirmation, c.ID, c.Phone, req.Code); err != nil {
		return err
	}
	c, err = s.Clients.ConfirmPhone(ctx, c, c.Phone)
	if errors.Is(err, clients.ErrChanged) {
		return apperr.New(apperr.Conflict, "phone_changed", "the phone number changed meanwhile; confirm the new one")
	}
	if err != nil {
		return err
	}
	return s.writeConfirmation(ctx, w, c)
}

// resendPhone sends a new confirmation code (the SMS limits apply).
func (s *service) resendPhone(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.pending(ctx, phoneNumber)
	if err != nil {
		return err
	}
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	ch, err := s.Codes.Issue(ctx, cfg.Security.OTPPolicy(), otp.Request{
		Purpose: otp.PhoneConfirmation, Subject: c.ID, Phone: c.Phone, SourceIP: httpapi.SourceIP(ctx),
		Language: c.Language, DefaultLanguage: cfg.Languages.Default,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, ch)
}
