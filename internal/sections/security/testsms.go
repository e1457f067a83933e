package security

import (
	"net/http"
	"time"

	"clientarea/internal/admindoc"
	"clientarea/internal/otp"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// Test SMS: an admin sends a one-time password to a phone with the saved
// SMS settings and types it back, to see that codes arrive (sender id,
// origination number, the account's SMS sandbox) before clients depend on
// them. It is the real engine, with the real limits, under its own purpose.

// MountTestSMS serves POST /admin/config/security/test-sms and
// POST /admin/config/security/test-sms/verify on rt.
func MountTestSMS(rt *httpapi.Router, store *admindoc.Store[Config], codes *otp.Engine, guard httpapi.Middleware) {
	h := testSMS{store: store, codes: codes}
	rt.Handle("POST /admin/config/security/test-sms", h.send, guard)
	rt.Handle("POST /admin/config/security/test-sms/verify", h.verify, guard)
}

type testSMS struct {
	store *admindoc.Store[Config]
	codes *otp.Engine
}

type testSMSRequest struct {
	Phone    string `json:"phone"`
	Language string `json:"language"`
}

type challengeAnswer struct {
	ChallengeID string `json:"challenge_id"`
	ExpiresAt   string `json:"expires_at"`
	ResendAfter string `json:"resend_after"`
	SentTo      string `json:"sent_to"` // masked
}

func (h testSMS) send(w http.ResponseWriter, r *http.Request) error {
	var req testSMSRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	cfg, err := h.store.Load(ctx)
	if err != nil {
		return err
	}
	cfg.Doc.Normalize()
	ch, err := h.codes.Issue(ctx, cfg.Doc.OTPPolicy(), otp.Request{
		Purpose: otp.SMSTest, Subject: principal.From(ctx).Subject, Phone: req.Phone, Language: req.Language,
	})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusAccepted, challengeAnswer{
		// To the second: the expiry rounded down and the resend time up, so
		// that neither invites a request that would fail.
		ChallengeID: ch.ID, ExpiresAt: rfc3339(ch.ExpiresAt), ResendAfter: rfc3339(ch.ResendAfter.Add(time.Second - 1)),
		SentTo: logging.MaskPhone(ch.To),
	})
	return nil
}

type verifyRequest struct {
	ChallengeID string `json:"challenge_id"`
	Code        string `json:"code"`
}

func (h testSMS) verify(w http.ResponseWriter, r *http.Request) error {
	var req verifyRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.codes.Verify(ctx, req.ChallengeID, otp.SMSTest, principal.From(ctx).Subject, req.Code); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"verified": true})
	return nil
}

func rfc3339(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }
