package me

import (
	"errors"
	"net/http"

	"clientarea/internal/client/clients"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

type phoneRequest struct {
	Phone          string  `json:"phone"`
	OperationToken *string `json:"operation_token"`
}

// setPhone sends a code to a new number. The number becomes the client's
// only once the code comes back (verifyPhone); until then the old number,
// if any, stays the client's. Replacing a confirmed phone needs an
// operation token for change_phone, earned with a code to that phone.
func (s *service) setPhone(w http.ResponseWriter, r *http.Request) error {
	var req phoneRequest
	c, cfg, err := s.start(w, r, &req)
	if err != nil {
		return err
	}
	ctx := r.Context()
	number, err := otp.CheckNumber(cfg.Security.OTPPolicy(), req.Phone)
	if err != nil {
		return err
	}
	if number == c.Phone && c.PhoneConfirmed() {
		return apperr.New(apperr.Conflict, "phone_unchanged", "this number is already the client's confirmed phone")
	}
	if err := s.ownerCheck(r, c, number); err != nil {
		return err
	}
	if c.PhoneConfirmed() {
		if err := s.stepUp(ctx, c, opChangePhone, req.OperationToken); err != nil {
			return err
		}
	}
	ch, err := s.Codes.Issue(ctx, cfg.Security.OTPPolicy(), otp.Request{
		Purpose: otp.PhoneConfirmation, Subject: c.ID, Phone: number, SourceIP: httpapi.SourceIP(ctx),
		Language: c.Language, DefaultLanguage: cfg.Languages.Default,
	})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusAccepted, ch)
	return nil
}

// ownerCheck refuses a number another client holds (409 phone_taken),
// early: the claim itself is made, atomically, when the number is confirmed.
func (s *service) ownerCheck(r *http.Request, c clients.Client, number string) error {
	owner, err := s.Clients.PhoneOwner(r.Context(), number)
	if err != nil {
		return err
	}
	if owner != "" && owner != c.ID {
		return clients.PhoneTaken()
	}
	return nil
}

// verifyPhone makes the number the code went to the client's confirmed
// phone: claimed for it, the former number released, in one transaction
// (of concurrent claims of one number exactly one wins). A replaced phone
// is a changed factor: the client's other sessions end.
func (s *service) verifyPhone(w http.ResponseWriter, r *http.Request) error {
	req, err := otp.ReadAnswer(w, r, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.Caller(ctx)
	if err != nil {
		return err
	}
	number, err := s.Codes.Verify(ctx, req.ChallengeID, otp.PhoneConfirmation, c.ID, req.Code)
	if err != nil {
		return err
	}
	if err := s.Clients.SetPhone(ctx, c, number); err != nil {
		if errors.Is(err, clients.ErrChanged) {
			return apperr.New(apperr.Conflict, "phone_changed", "the phone changed meanwhile; start again")
		}
		return err
	}
	if c.PhoneConfirmed() && c.Phone != number {
		if err := s.Sessions.RevokeAll(ctx, c.ID, principal.SessionOf(ctx).SessionID); err != nil {
			return err
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"phone": logging.MaskPhone(number), "phone_confirmed": true})
	return nil
}

// removePhone removes the client's phone. A client with 2FA keeps one
// (409 tfa_enabled: turn 2FA off first); a confirmed phone needs an
// operation token for remove_phone.
func (s *service) removePhone(w http.ResponseWriter, r *http.Request) error {
	var req stepUpRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.Caller(ctx)
	if err != nil {
		return err
	}
	switch {
	case c.Phone == "":
		httpapi.WriteNoContent(w)
		return nil
	case c.TFAEnabled:
		return apperr.New(apperr.Conflict, "tfa_enabled", "a client with two-factor authentication keeps its phone: turn 2FA off first")
	}
	if c.PhoneConfirmed() {
		if err := s.stepUp(ctx, c, opRemovePhone, req.OperationToken); err != nil {
			return err
		}
	}
	if err := s.Clients.RemovePhone(ctx, c); err != nil {
		if errors.Is(err, clients.ErrChanged) {
			return apperr.New(apperr.Conflict, "phone_changed", "the phone or 2FA changed meanwhile; start again")
		}
		return err
	}
	if c.PhoneConfirmed() {
		if err := s.Sessions.RevokeAll(ctx, c.ID, principal.SessionOf(ctx).SessionID); err != nil {
			return err
		}
	}
	httpapi.WriteNoContent(w)
	return nil
}
