package testsms

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
// ones, and every send leaves an entry in its own audit trail, written
// in one transaction with the send's challenge.

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
		Also: func(ch otp.Challenge) ([]types.TransactWriteItem, error) {
			entry, err := h.auditEntry(ctx, admin, ch)
			return []types.TransactWriteItem{entry}, err
		},
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

// auditEntry is the security.TestSMSAudit entry of a test SMS sent as
// ch, written in the transaction that stores ch once SNS accepted the SMS
// (otp.Request.Also): a code that can be verified always has its entry,
// and a send that stored no challenge (SNS refused it, or the table did)
// has none, as its code verifies nothing.
func (h testSMS) auditEntry(ctx context.Context, admin string, ch otp.Challenge) (types.TransactWriteItem, error) {
	env := h.store.Env()
	details := map[string]any{
		"to": logging.MaskPhone(ch.To), "challenge_id": ch.ID, "expires_at": rfc3339(ch.ExpiresAt),
		"source_ip": httpapi.SourceIP(ctx),
	}
	return admindoc.EventItem(env.Table, security.TestSMSAudit, admin, env.Clock.Now(), details)
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
