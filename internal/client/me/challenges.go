package me

import (
	"net/http"
	"slices"
	"strings"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/password"
	"clientarea/internal/client/settings"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/security"
)

// operations are what a client may ask an operation token for: the
// security section's eight, exchange, and the step-up proofs.
func operations() []string {
	return append(append(security.TFAOperations(), "exchange"), stepUpOperations()...)
}

// needsCode decides whether op needs a second factor now: when mandatory
// 2FA lists it, exchange when the General section's exchange_tfa is on,
// withdraw when withdrawal_tfa is, and a step-up proof always.
func needsCode(op string, cfg settings.Settings) bool {
	switch {
	case slices.Contains(stepUpOperations(), op):
		return true
	case op == "exchange" && cfg.General.Clients.ExchangeTFA:
		return true
	case op == "withdraw" && cfg.General.Clients.WithdrawalTFA:
		return true
	}
	return cfg.Security.TFARequired(op)
}

type challengeRequest struct {
	Operation string `json:"operation"`
	// Password proves a step-up for a client without a confirmed phone.
	Password *string `json:"password"`
}

// challenge answers an operation token at once when op needs no second
// factor, and otherwise sends a code bound to op to the client's confirmed
// phone. A client without one gets 409 phone_required, except for the
// step-up proofs, which its password stands for.
func (s *service) challenge(w http.ResponseWriter, r *http.Request) error {
	var req challengeRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if !slices.Contains(operations(), req.Operation) { // before any read: bad input costs none
		return apperr.Validation(apperr.FieldError{Field: "operation", Message: "must be one of " + strings.Join(operations(), ", ")})
	}
	c, cfg, err := s.start(w, r, nil)
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch {
	case !needsCode(req.Operation, cfg):
		return s.writeToken(w, r, c, req.Operation, http.StatusOK, false)
	case c.PhoneConfirmed():
		ch, err := s.Codes.Issue(ctx, cfg.Security.OTPPolicy(), otp.Request{
			Purpose: otp.Operation(req.Operation), Subject: c.ID, Phone: c.Phone, SourceIP: httpapi.SourceIP(ctx),
			Language: c.Language, DefaultLanguage: cfg.Languages.Default,
		})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]any{"required": true, "challenge_id": ch.ID,
			"expires_at": ch.ExpiresAt, "resend_after": ch.ResendAfter})
		return nil
	case slices.Contains(stepUpOperations(), req.Operation) && req.Password != nil:
		if err := s.checkPassword(r, c, *req.Password); err != nil {
			return err
		}
		return s.writeToken(w, r, c, req.Operation, http.StatusOK, true)
	default:
		return apperr.New(apperr.Conflict, "phone_required", "this operation needs a code to a confirmed phone: POST /me/phone first")
	}
}

// writeToken answers a new operation token for op.
func (s *service) writeToken(w http.ResponseWriter, r *http.Request, c clients.Client, op string, status int, required bool) error {
	t, err := s.optokens.Issue(r.Context(), c.ID, op)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, status, map[string]any{"required": required, "operation_token": t.Token, "expires_at": t.ExpiresAt})
	return nil
}

// checkPassword verifies c's current password, within a per-client limit
// so that a stolen session cannot guess it.
func (s *service) checkPassword(r *http.Request, c clients.Client, pw string) error {
	ctx := r.Context()
	if err := s.Limit(ctx, passwordRule(c.ID)); err != nil {
		return err
	}
	ok, _, err := password.Verify(c.PasswordHash, pw)
	if err != nil {
		return apperr.Internalf("verify password", err)
	}
	if !ok {
		return apperr.New(apperr.Forbidden, "invalid_credentials", "the current password is wrong")
	}
	return nil
}

// verifyChallenge exchanges the code of an operation challenge for an
// operation token bound to that operation.
func (s *service) verifyChallenge(w http.ResponseWriter, r *http.Request) error {
	req, err := otp.ReadAnswer(w, r, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.Caller(ctx)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	found, err := s.Codes.PurposeOf(ctx, id, c.ID)
	if err != nil {
		return err
	}
	op, ok := strings.CutPrefix(string(found.Purpose()), string(otp.Operation("")))
	if !ok {
		return apperr.New(apperr.BadRequest, "otp_expired", "the code expired; request a new one") // not an operation's challenge
	}
	if _, err := s.Codes.VerifyFound(ctx, found, req.Code); err != nil {
		return err
	}
	return s.writeToken(w, r, c, op, http.StatusOK, true)
}
