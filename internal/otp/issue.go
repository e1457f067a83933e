package otp

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/awsclients"
)

// Issue sends a new code for req by SMS and returns its challenge; earlier
// challenges of the same subject and purpose no longer verify. Errors:
// invalid_phone (422: not a number, or not one worth sending a code to),
// rate_limited (429, with RetryAfter), sms_unavailable (503).
func (e *Engine) Issue(ctx context.Context, pol Policy, req Request) (Challenge, error) {
	if err := CheckKey(e.key); err != nil {
		return Challenge{}, apperr.Internalf("otp issue", err)
	}
	if req.Purpose == "" || req.Subject == "" {
		return Challenge{}, apperr.Internalf("otp issue", errors.New("purpose and subject are required"))
	}
	if err := pol.usable(); err != nil {
		return Challenge{}, apperr.Internalf("otp issue", err)
	}
	to, err := phone.Normalize(req.Phone, "")
	if err != nil {
		return Challenge{}, err
	}
	if err := checkNumber(pol, to); err != nil {
		return Challenge{}, err
	}
	now := e.clock.Now()
	id, code := newID(), newCode()
	ch := Challenge{ID: id, ExpiresAt: now.Add(pol.TTL), ResendAfter: now.Add(pol.ResendCooldown), To: to}
	also, err := req.also(ch)
	if err != nil {
		return Challenge{}, err
	}
	err = e.limiter.Take(ctx, now, sendRules(pol, req, to)...)
	if err != nil {
		return Challenge{}, err
	}
	err = e.sender.Send(ctx, messaging.Message{
		To: to, Kind: "otp", TriggeredBy: req.Subject, Text: Text(req.Language, req.DefaultLanguage, code, pol.TTL),
		SenderID: pol.SenderID, OriginationNumber: pol.Origination, MaxPrice: pol.MaxPriceUSD,
	})
	if err != nil {
		return Challenge{}, afterCountedSend(err, pol)
	}
	it := item{ID: id, Purpose: string(req.Purpose), Subject: req.Subject, Phone: to,
		Hash: e.hash(id, req.Purpose, req.Subject, to, code), MaxAttempts: pol.MaxAttempts, CreatedAt: now, ExpiresAt: ch.ExpiresAt,
		MaxFailed: pol.MaxFailedCodes, FailWindow: pol.FailedCodesWindow}
	if err := e.store(ctx, it, also...); err != nil {
		// The SMS may have gone out, but its code verifies nothing: no
		// challenge was stored, or, if the write took effect and only
		// its answer was lost, the challenge's id (160 random bits,
		// without which no code is checked) reaches nobody.
		return Challenge{}, afterCountedSend(err, pol)
	}
	return ch, nil
}

// maxAlso bounds Request.Also's items: a transaction holds at most 100,
// and the challenge takes two.
const maxAlso = 98

// also is what req.Also gives for ch.
func (req Request) also(ch Challenge) ([]types.TransactWriteItem, error) {
	if req.Also == nil {
		return nil, nil
	}
	items, err := req.Also(ch)
	if err == nil && len(items) > maxAlso {
		err = fmt.Errorf("%d items to write with the challenge, at most %d", len(items), maxAlso)
	}
	if err != nil {
		return nil, apperr.Internalf("otp issue", err)
	}
	return items, nil
}

// afterCountedSend is the answer to a send that failed once the send
// budgets counted it: a 503 (sms_unavailable, or unavailable when the
// table failed) asks the caller to come back when a new code may be sent,
// after the resend cooldown, rather than sooner and be refused 429. Other
// failures (a bug) stay as they are.
func afterCountedSend(err error, pol Policy) error {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.Internal {
		wait, unavailable := awsclients.Unavailable(err)
		if !unavailable {
			return err
		}
		e = &apperr.Error{Kind: apperr.Unavailable, Code: "unavailable",
			Detail: "the code could not be sent; try again later", RetryAfter: wait, Op: "otp issue", Err: err}
	}
	if e.Kind != apperr.Unavailable {
		return err
	}
	c := *e
	c.RetryAfter = max(c.RetryAfter, pol.ResendCooldown)
	return &c
}

// Decoy stores a challenge that was never sent, whose code nobody knows,
// for purpose and subject under pol, and returns it like Issue would: for
// the flows that must answer alike whether or not a code went out (a
// password reset for an address with no account or no phone). Verifying
// it behaves exactly like a real challenge (wrong codes are counted, then
// exhausted, then locked), so neither the answer nor a guess tells which
// it was. Nothing is sent, so no send budget is taken.
func (e *Engine) Decoy(ctx context.Context, pol Policy, purpose Purpose, subject string) (Challenge, error) {
	if err := pol.usable(); err != nil {
		return Challenge{}, apperr.Internalf("otp decoy", err)
	}
	now := e.clock.Now()
	id := newID()
	ch := Challenge{ID: id, ExpiresAt: now.Add(pol.TTL), ResendAfter: now.Add(pol.ResendCooldown)}
	it := item{ID: id, Purpose: string(purpose), Subject: subject, Phone: decoyNumber,
		Hash: e.hash(id, purpose, subject, decoyNumber, newCode()), MaxAttempts: pol.MaxAttempts, CreatedAt: now,
		ExpiresAt: ch.ExpiresAt, MaxFailed: pol.MaxFailedCodes, FailWindow: pol.FailedCodesWindow}
	if err := e.store(ctx, it); err != nil {
		return Challenge{}, afterCountedSend(err, pol) // as Issue would answer
	}
	return ch, nil
}

// decoyNumber is the number a decoy was "sent" to: none can receive it.
const decoyNumber = "+0"
