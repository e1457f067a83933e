package testsms

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"clientarea/internal/admindoc"
	"clientarea/internal/otp"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/security"
)

// Test SMS: an admin sends a one-time password to a phone with the saved
// SMS settings and types it back, to see that codes arrive (sender id,
// origination number, the account's SMS sandbox) before clients depend on
// them. It is the real engine, with the real limits, under its own purpose.
//
// An admin can send to any number, so the route must not become a pump
// for whoever holds (or steals) an admin session: each admin has a budget
// of its own (test_sms_per_hour / test_sms_per_day, as the subject budget
// of TestSMSPolicy) on top of the per-number, per-address and stack-wide
// ones, and every send leaves an entry in its own audit trail.

// Mount serves POST /admin/config/security/test-sms and
// POST /admin/config/security/test-sms/verify on rt.
func Mount(rt *httpapi.Router, store *admindoc.Store[security.Config], codes *otp.Engine, guard httpapi.Middleware) {
	h := testSMS{store: store, codes: codes}
	rt.Handle("POST /admin/config/security/test-sms", h.send, guard)
	rt.Handle("POST /admin/config/security/test-sms/verify", h.verify, guard)
}

type testSMS struct {
	store *admindoc.Store[security.Config]
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
	admin := principal.From(ctx).Subject
	ch, err := h.codes.Issue(ctx, cfg.Doc.TestSMSPolicy(), otp.Request{
		Purpose: otp.SMSTest, Subject: admin, Phone: req.Phone, Language: req.Language,
		SourceIP: httpapi.SourceIP(ctx),
	})
	if err != nil {
		return err
	}
	h.audit(ctx, admin, ch)
	httpapi.WriteJSON(w, http.StatusAccepted, challengeAnswer{
		// To the second: the expiry rounded down and the resend time up, so
		// that neither invites a request that would fail.
		ChallengeID: ch.ID, ExpiresAt: rfc3339(ch.ExpiresAt), ResendAfter: rfc3339(ch.ResendAfter.Add(time.Second - 1)),
		SentTo: logging.MaskPhone(ch.To),
	})
	return nil
}

// audit records a sent test SMS in the security.TestSMSAudit trail. The SMS is out
// by then, so a failed write does not fail the request: the admin needs
// the challenge to verify the code, and an error would invite a retry,
// that is another SMS. The failure is logged at error level instead, with
// everything the entry would have held, so the send is still on record.
func (h testSMS) audit(ctx context.Context, admin string, ch otp.Challenge) {
	env := h.store.Env()
	details := map[string]any{
		"to": logging.MaskPhone(ch.To), "challenge_id": ch.ID, "expires_at": rfc3339(ch.ExpiresAt),
		"source_ip": httpapi.SourceIP(ctx),
	}
	if err := admindoc.RecordEvent(ctx, env.Table, security.TestSMSAudit, admin, env.Clock.Now(), details); err != nil {
		slog.ErrorContext(ctx, "test sms sent but not audited", "admin", admin, "to", details["to"],
			"challenge_id", ch.ID, "expires_at", details["expires_at"], "error", err.Error())
	}
}

func (h testSMS) verify(w http.ResponseWriter, r *http.Request) error {
	var req otp.Answer
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := h.codes.Verify(ctx, req.ChallengeID, otp.SMSTest, principal.From(ctx).Subject, req.Code); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"verified": true})
	return nil
}

func rfc3339(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }
