package me

import (
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/linktoken"
	"clientarea/internal/client/password"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/platform/ratelimit"
)

// Limits per client ("me_*" rate items).
func passwordRule(clientID string) ratelimit.Rule {
	return ratelimit.Rule{Kind: "me_password", Subject: clientID, Limit: 5, Per: 15 * time.Minute}
}

func mailRule(clientID string) ratelimit.Rule {
	return ratelimit.Rule{Kind: "me_mail", Subject: clientID, Limit: 5, Per: time.Hour}
}

type passwordRequest struct {
	CurrentPassword string  `json:"current_password"`
	NewPassword     string  `json:"new_password"`
	OperationToken  *string `json:"operation_token"`
}

// changePassword sets a new password: the current one is required (ASVS
// 6.2.3), and an operation token when mandatory 2FA covers
// change_password. The client's other sessions end.
func (s *service) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req passwordRequest
	c, cfg, err := s.start(w, r, &req)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.checkPassword(r, c, req.CurrentPassword); err != nil {
		return err
	}
	if err := password.CheckField("new_password", req.NewPassword, c.Email); err != nil {
		return err
	}
	if cfg.Security.TFARequired("change_password") {
		if err := s.stepUp(ctx, c, "change_password", req.OperationToken); err != nil {
			return err
		}
	}
	hash, err := password.Hash(req.NewPassword)
	if err != nil {
		return apperr.Internalf("hash password", err)
	}
	if err := s.Clients.SetPassword(ctx, c, hash); err != nil {
		if errors.Is(err, clients.ErrChanged) {
			return apperr.New(apperr.Conflict, "password_changed", "the password changed meanwhile; start again")
		}
		return err
	}
	if err := s.Sessions.RevokeAll(ctx, c.ID, principal.SessionOf(ctx).SessionID); err != nil {
		return err
	}
	httpapi.WriteNoContent(w)
	return nil
}

type emailRequest struct {
	Email          string  `json:"email"`
	OperationToken *string `json:"operation_token"`
}

// How long the link that confirms a new address works.
const changeEmailTTL = 24 * time.Hour

// changeEmail asks to change the client's address: a link goes to the new
// address, and the change happens only when it is used (POST
// /auth/confirm-email), claiming the new address then. An operation token
// is needed when mandatory 2FA covers update_email.
func (s *service) changeEmail(w http.ResponseWriter, r *http.Request) error {
	var req emailRequest
	c, cfg, err := s.start(w, r, &req)
	if err != nil {
		return err
	}
	email, ok := clients.NormalizeEmail(req.Email)
	if !ok {
		return apperr.Validation(apperr.FieldError{Field: "email", Message: "must be an email address such as ann@example.com"})
	}
	ctx := r.Context()
	if email == c.Email {
		return apperr.New(apperr.Conflict, "email_unchanged", "this is already the client's address")
	}
	if owner, err := s.Clients.EmailOwner(ctx, email); err != nil {
		return err
	} else if owner != "" {
		return clients.EmailTaken()
	}
	if cfg.Security.TFARequired("update_email") {
		if err := s.stepUp(ctx, c, "update_email", req.OperationToken); err != nil {
			return err
		}
	}
	if err := s.Limit(ctx, mailRule(c.ID)); err != nil {
		return err
	}
	err = s.SendLink(ctx, kit.Link{Client: c, To: email, Purpose: linktoken.ChangeEmail,
		Kind: messaging.KindEmailVerification, TTL: changeEmailTTL, Data: map[string]string{"purpose": linktoken.ChangeEmail}},
		func(hash string) *types.Update { return s.Clients.PendingEmailUpdate(c, email, hash) })
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]any{"pending_email": email})
	return nil
}
