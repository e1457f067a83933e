package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/linktoken"
	"clientarea/internal/client/password"
	"clientarea/internal/client/settings"
	"clientarea/internal/messaging"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/ratelimit"
)

// How long a password-reset link works.
const resetTokenTTL = time.Hour

type resetRequest struct {
	Email string `json:"email"`
}

// passwordReset starts a reset: an SMS code when the client has a
// confirmed phone and sign-ups confirm phones, an emailed link otherwise.
// The answer is 202 whatever the address; while phones are confirmed it
// always carries a challenge, a decoy when no code went out, so it tells
// nobody whether the address has an account or a phone.
func (s *service) passwordReset(w http.ResponseWriter, r *http.Request) error {
	var req resetRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	email, ok := clients.NormalizeEmail(req.Email)
	if !ok {
		return apperr.Validation(apperr.FieldError{Field: "email", Message: "must be an email address such as ann@example.com"})
	}
	ctx := r.Context()
	if err := s.Limit(ctx, s.resetRules(ctx, email)...); err != nil {
		return err
	}
	cfg, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	c, err := s.Clients.ByEmail(ctx, email)
	if err != nil && !errors.Is(err, clients.ErrNotFound) {
		return err
	}
	answer := map[string]any{}
	var sent *otp.Challenge
	if err == nil {
		sent = s.startReset(ctx, c, cfg)
	}
	if cfg.Registration.PhoneConfirmation() {
		if sent == nil {
			ch, err := s.Codes.Decoy(ctx, cfg.Security.OTPPolicy(), otp.PasswordReset, s.decoySubject(email))
			if err != nil {
				return err
			}
			sent = &ch
		}
		answer["challenge_id"], answer["expires_at"], answer["resend_after"] = sent.ID, sent.ExpiresAt, sent.ResendAfter
	}
	return writeJSON(w, http.StatusAccepted, answer)
}

// decoySubject is the subject of the decoy challenges of email: a keyed
// hash, so that wrong codes against decoys count and lock per address, as
// they do against real challenges.
func (s *service) decoySubject(email string) string {
	return decoyPrefix + s.keyedHash("password-reset-decoy", email)
}

const decoyPrefix = "decoy:"

// keyedHash names something derived from an email address without showing it.
func (s *service) keyedHash(purpose, email string) string {
	m := hmac.New(sha256.New, s.guardKey)
	m.Write([]byte(purpose + "\x00" + email))
	return hex.EncodeToString(m.Sum(nil))
}

// resetRules bound reset requests per source address and per address
// asked about (by a keyed hash: the limit's key does not show it).
func (s *service) resetRules(ctx context.Context, email string) []ratelimit.Rule {
	return []ratelimit.Rule{
		{Kind: "auth_reset_email", Subject: s.keyedHash("password-reset", email), Limit: resetsPerEmail, Per: time.Hour},
		{Kind: "auth_reset_ip", Subject: ratelimit.SourceKey(httpapi.SourceIP(ctx)), Limit: resetsPerIP, Per: time.Hour},
	}
}

// startReset sends c its proof of ownership: the code it sent, or nil when
// it sent a link. When the SMS cannot go out (a send budget, SNS), the
// link goes out instead, so the client is not left without a way back.
func (s *service) startReset(ctx context.Context, c clients.Client, cfg settings.Settings) *otp.Challenge {
	if cfg.Registration.PhoneConfirmation() && c.PhoneConfirmed() {
		ch, err := s.Codes.Issue(ctx, cfg.Security.OTPPolicy(), otp.Request{
			Purpose: otp.PasswordReset, Subject: c.ID, Phone: c.Phone, SourceIP: httpapi.SourceIP(ctx),
			Language: c.Language, DefaultLanguage: cfg.Languages.Default,
		})
		if err == nil {
			return &ch
		}
		slog.WarnContext(ctx, "password reset: no SMS, sending a link instead", "client_id", c.ID, "code", apperr.CodeOf(err))
	}
	err := s.SendLink(ctx, kit.Link{Client: c, To: c.Email, Purpose: linktoken.PasswordReset,
		Kind: messaging.KindPasswordReset, TTL: resetTokenTTL}, nil)
	if err != nil {
		slog.ErrorContext(ctx, "password reset: the link was not sent", "client_id", c.ID, "error", err.Error())
	}
	return nil
}

type resetConfirmRequest struct {
	ChallengeID *string `json:"challenge_id"`
	Code        *string `json:"code"`
	Token       *string `json:"token"`
	NewPassword string  `json:"new_password"`
}

// passwordResetConfirm sets a new password with an SMS code or an emailed
// token, and ends every session of the client.
func (s *service) passwordResetConfirm(w http.ResponseWriter, r *http.Request) error {
	var req resetConfirmRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	byCode := req.ChallengeID != nil || req.Code != nil
	if byCode == (req.Token != nil) || (byCode && (req.ChallengeID == nil || req.Code == nil)) {
		return apperr.New(apperr.Invalid, "validation_failed",
			`send either "challenge_id" and "code", or "token", with "new_password"`)
	}
	ctx := r.Context()
	var c clients.Client
	var err error
	if byCode {
		c, err = s.resetByCode(ctx, *req.ChallengeID, *req.Code, req.NewPassword)
	} else {
		c, err = s.resetByToken(ctx, *req.Token, req.NewPassword)
	}
	if err != nil {
		return err
	}
	if err := s.Sessions.RevokeAll(ctx, c.ID, ""); err != nil {
		return err
	}
	s.forgetFailures(ctx, c.Email)
	httpapi.WriteNoContent(w)
	return nil
}

// newHash checks pw against the rules for c and hashes it.
func newHash(c clients.Client, pw string) (string, error) {
	if err := password.CheckField("new_password", pw, c.Email); err != nil {
		return "", err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return "", apperr.Internalf("hash password", err)
	}
	return hash, nil
}

// resetByCode sets pw when code is right for the reset challenge. A decoy
// (no account, or no confirmed phone) answers exactly like a real
// challenge: the rules that do not depend on the client are checked
// first for both, then the code, then the rule that does (the address's
// local part): that one can only be checked for a real client, so it comes
// after the code (which is then used up) lest it tell the two apart.
func (s *service) resetByCode(ctx context.Context, challengeID, code, pw string) (clients.Client, error) {
	if err := password.CheckField("new_password", pw, ""); err != nil {
		return clients.Client{}, err
	}
	found, err := s.Codes.SubjectOf(ctx, challengeID, otp.PasswordReset)
	if err != nil {
		return clients.Client{}, err
	}
	if _, err := s.Codes.VerifyFound(ctx, found, code); err != nil {
		return clients.Client{}, err
	}
	subject := found.Subject()
	c, err := s.Clients.Get(ctx, subject)
	if strings.HasPrefix(subject, decoyPrefix) || errors.Is(err, clients.ErrNotFound) {
		return c, apperr.Internalf("password reset", errors.New("a decoy challenge verified, or its client is gone"))
	}
	if err != nil {
		return c, err
	}
	hash, err := newHash(c, pw)
	if err != nil {
		return c, err // the code is used up: the client asks for a new one
	}
	if err := s.Clients.SetPassword(ctx, c, hash); err != nil {
		if errors.Is(err, clients.ErrChanged) {
			return c, apperr.New(apperr.Conflict, "password_changed", "the password changed meanwhile; start again")
		}
		return c, err
	}
	return c, nil
}

// resetByToken sets pw with an emailed token: the token is consumed and the
// password set in one transaction, and only while the password is still
// the one the token was issued for.
func (s *service) resetByToken(ctx context.Context, token, pw string) (clients.Client, error) {
	t, err := s.Tokens.Peek(ctx, token, linktoken.PasswordReset)
	if err != nil {
		return clients.Client{}, err
	}
	c, err := s.Clients.Get(ctx, t.ClientID)
	if errors.Is(err, clients.ErrNotFound) || (err == nil && c.CredentialsVersion != t.CredentialsVersion) {
		return c, linktoken.Invalid()
	}
	if err != nil {
		return c, err
	}
	hash, err := newHash(c, pw)
	if err != nil {
		return c, err
	}
	err = s.Table.TransactWrite(ctx, []types.TransactWriteItem{
		s.Tokens.Consume(t), {Update: s.Clients.SetPasswordUpdate(c, hash)},
	})
	if len(dynamo.FailedConditions(err)) > 0 {
		return c, linktoken.Invalid()
	}
	return c, err
}

// forgetFailures lifts a lockout of the address: whoever reset the
// password proved they own it.
func (s *service) forgetFailures(ctx context.Context, email string) {
	_, err := s.Table.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table.Name),
		Key: s.guardKeyOf(email).KeyAttrs()})
	if err != nil {
		slog.WarnContext(ctx, "password reset: the login lockout was not lifted", "error", err.Error())
	}
}
