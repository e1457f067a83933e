package otp

import (
	"context"
	"errors"
	"fmt"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
)

// Issue sends a new code for req by SMS and returns its challenge. Errors:
// invalid_phone (422), rate_limited (429, with RetryAfter), sms_unavailable (503).
func (e *Engine) Issue(ctx context.Context, pol Policy, req Request) (Challenge, error) {
	if err := CheckKey(e.key); err != nil {
		return Challenge{}, apperr.Internalf("otp issue", err)
	}
	if req.Purpose == "" || req.Subject == "" {
		return Challenge{}, apperr.Internalf("otp issue", errors.New("purpose and subject are required"))
	}
	if pol.TTL <= 0 || pol.MaxAttempts < 1 {
		return Challenge{}, apperr.Internalf("otp issue", fmt.Errorf("unusable policy: ttl %v, max attempts %d", pol.TTL, pol.MaxAttempts))
	}
	to, err := phone.Normalize(req.Phone, "")
	if err != nil {
		return Challenge{}, err
	}
	now := e.clock.Now()
	err = e.limiter.Take(ctx, now, sendRules(pol, req, to)...)
	if err != nil {
		return Challenge{}, err
	}
	id, code := newID(), newCode()
	ch := Challenge{ID: id, ExpiresAt: now.Add(pol.TTL), ResendAfter: now.Add(pol.ResendCooldown), To: to}
	err = e.sender.Send(ctx, messaging.Message{
		To: to, Kind: "otp", Text: Text(req.Language, req.DefaultLanguage, code, pol.TTL),
		SenderID: pol.SenderID, OriginationNumber: pol.Origination,
	})
	if err != nil {
		return Challenge{}, err
	}
	it := item{ID: id, Purpose: string(req.Purpose), Subject: req.Subject, Hash: e.hash(id, req.Purpose, req.Subject, code),
		MaxAttempts: pol.MaxAttempts, CreatedAt: now, ExpiresAt: ch.ExpiresAt}
	if err := e.put(ctx, it); err != nil {
		return Challenge{}, err
	}
	return ch, nil
}
