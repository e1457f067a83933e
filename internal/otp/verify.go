package otp

import (
	"context"
	"crypto/hmac"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Verify checks code against challenge id, for purpose and subject, and
// consumes the challenge when it is right. It returns the E.164 number the
// code was sent to: the number the code proves. Errors: otp_invalid (400:
// wrong code, a challenge of another purpose or subject, already used),
// otp_expired (400: expired, voided by a newer code, or unknown),
// otp_attempts_exhausted (429), otp_locked (429, with RetryAfter: too many
// wrong codes for this subject and purpose, whatever the challenge).
func (e *Engine) Verify(ctx context.Context, id string, purpose Purpose, subject, code string) (string, error) {
	return e.verify(ctx, guess{id: id, purpose: purpose, subject: subject, code: code}, nil)
}

// VerifyFound is Verify of the challenge SubjectOf or PurposeOf found, for
// its purpose and subject. Its first round decides on that read of the
// challenge instead of reading it again; the write's conditions re-check
// everything it decided on, and a round after a lost condition reads the
// challenge again.
func (e *Engine) VerifyFound(ctx context.Context, f Found, code string) (string, error) {
	g := guess{id: f.it.ID, purpose: f.Purpose(), subject: f.Subject(), code: code}
	if f.it.ID == "" {
		return e.verify(ctx, g, nil) // no challenge found: unknown, like any
	}
	return e.verify(ctx, g, &f.it)
}

// VerifyNumber is Verify for a flow that confirms one number: the code is
// right only if it was sent to number. A code sent to any other number is
// a wrong code, counted as one, so confirming a number needs a code that
// went to it.
func (e *Engine) VerifyNumber(ctx context.Context, id string, purpose Purpose, subject, number, code string) error {
	to, err := phone.Normalize(number, "")
	if err != nil {
		return err
	}
	_, err = e.verify(ctx, guess{id: id, purpose: purpose, subject: subject, code: code, number: to}, nil)
	return err
}

// guess is one verify request.
type guess struct {
	id      string
	purpose Purpose
	subject string
	code    string
	number  string // the number the code must have gone to; empty: any
}

// verify checks g; found, when not nil, is the challenge as the caller
// read it, which the first round uses instead of reading it again.
func (e *Engine) verify(ctx context.Context, g guess, found *item) (string, error) {
	if err := CheckKey(e.key); err != nil {
		return "", apperr.Internalf("otp verify", err)
	}
	if !sixDigits(g.code) {
		return "", apperr.New(apperr.BadRequest, "otp_invalid", "the code is six digits")
	}
	// Each write is conditional on the state it was decided on. When the
	// condition fails, someone else changed that state (counted a wrong
	// code, used or voided the challenge): read again and decide again.
	// Each such round means another verify of this subject or challenge got
	// through, which the lock and the attempts bound.
	for round := 0; ; round++ {
		number, rounds, err := e.try(ctx, g, found)
		found = nil // a later round reads the challenge again
		if !retryable(err) {
			return number, err
		}
		if round >= rounds {
			return "", apperr.New(apperr.BadRequest, "otp_invalid", "the code could not be verified; request a new one")
		}
		if err := backOff(ctx, round); err != nil {
			return "", err
		}
	}
}

// try reads the challenge and the caller's subject state, decides, and
// writes the decision under conditions. It also returns how many rounds
// concurrent verifies can force on this challenge.
func (e *Engine) try(ctx context.Context, g guess, found *item) (string, int, error) {
	now := e.clock.Now()
	ch, st, err := e.load(ctx, g, found)
	if err != nil {
		return "", 0, err
	}
	rounds := ch.MaxFailed + ch.MaxAttempts + 2
	if wait := st.lockedFor(now, ch.MaxFailed, ch.FailWindow); wait > 0 {
		return "", rounds, locked(wait)
	}
	if ch.Purpose != string(g.purpose) || ch.Subject != g.subject {
		return "", rounds, e.foreign(ctx, ch, st, now)
	}
	number, err := e.own(ctx, g, ch, st, now)
	return number, rounds, err
}

// load reads g's challenge and the caller's subject item. Both keys are
// known before either is read, so they are read together, in one
// strongly consistent BatchGetItem (dynamo.BatchGet asks again, a bounded
// number of times, for keys left unprocessed). With found (the caller's
// own read of the challenge) only the subject item is read.
func (e *Engine) load(ctx context.Context, g guess, found *item) (item, subjectState, error) {
	if found != nil {
		st, err := e.loadSubject(ctx, g.purpose, g.subject)
		return *found, st, err
	}
	if !validID(g.id) {
		return item{}, subjectState{}, expiredOrUnknown()
	}
	chKey, key := dynamo.OTPKey(g.id), e.subjectKey(g.purpose, g.subject)
	items, err := dynamo.BatchGet(ctx, e.table, []dynamo.Key{chKey, key}, dynamo.Projection{})
	if err != nil {
		return item{}, subjectState{}, fmt.Errorf("load otp challenge and subject: %w", err)
	}
	ch, err := decodeChallenge(g.id, items[chKey])
	if err != nil {
		return item{}, subjectState{}, err
	}
	st, err := decodeSubject(key, items[key])
	return ch, st, err
}

// own verifies a code against the caller's own challenge. The challenge's
// write adds the attempt under "used = false AND attempts < max AND
// expires_at > now AND purpose and subject as expected"; the subject's
// write checks the challenge is still open and no wrong code was counted
// since the read. Both or neither happen.
func (e *Engine) own(ctx context.Context, g guess, ch item, st subjectState, now time.Time) (string, error) {
	if err := ch.check(st, now); err != nil {
		return "", err
	}
	to := g.number
	if to == "" {
		to = ch.Phone
	}
	right := hmac.Equal([]byte(ch.Hash), []byte(e.hash(ch.ID, g.purpose, g.subject, to, g.code)))
	subject := e.successUpdate(st, ch)
	if !right {
		subject = e.failureUpdate(st, ch, true, now)
	}
	err := e.table.TransactWrite(ctx, []types.TransactWriteItem{
		{Update: e.attemptUpdate(ch, right, now)}, {Update: subject},
	})
	if err != nil {
		return "", writeError(err)
	}
	if !right {
		// The write's conditions held, so nobody counted an attempt since
		// the read: this one is the (ch.Attempts+1)th.
		return "", wrongCode(ch.MaxAttempts - ch.Attempts - 1)
	}
	return ch.Phone, nil
}

// foreign answers a challenge of another purpose or subject exactly as a
// wrong code of the caller's own would be answered, so that nobody learns
// that it exists: the wrong code counts against the caller (not against
// the challenge, whose owner it does not concern), and its attempts are
// the caller's wrong codes against it. Only expiry is told, as for any
// challenge, known or not.
func (e *Engine) foreign(ctx context.Context, ch item, st subjectState, now time.Time) error {
	if !now.Before(ch.ExpiresAt) {
		return expiredOrUnknown()
	}
	tried := st.attemptsOn(ch.ID)
	if tried >= ch.MaxAttempts {
		return exhausted()
	}
	err := e.table.TransactWrite(ctx, []types.TransactWriteItem{{Update: e.failureUpdate(st, ch, false, now)}})
	if err != nil {
		return writeError(err)
	}
	return wrongCode(ch.MaxAttempts - tried - 1)
}

// check answers why the caller's own challenge cannot be verified now, if
// it cannot. A challenge a newer one voided answers like an expired one.
func (it item) check(st subjectState, now time.Time) error {
	switch {
	case it.Used:
		return apperr.New(apperr.BadRequest, "otp_invalid", "this code was already used; request a new one")
	case st.Open != it.ID || !now.Before(it.ExpiresAt):
		return expiredOrUnknown()
	case it.Attempts >= it.MaxAttempts:
		return exhausted()
	}
	return nil
}

// attemptUpdate counts the attempt and, when right, consumes the
// challenge, under a condition that re-checks the state check saw: not
// used, no attempt counted since the read (so the attempts left that a
// wrong code answers are exact, however old the read), not expired.
func (e *Engine) attemptUpdate(it item, right bool, now time.Time) *types.Update {
	update := "ADD attempts :one"
	values := map[string]types.AttributeValue{
		":one": dynamo.N(1), ":false": &types.AttributeValueMemberBOOL{Value: false},
		":max": dynamo.N(int64(it.MaxAttempts)), ":now": dynamo.S(dynamo.Sortable(now)),
		":seen": dynamo.N(int64(it.Attempts)),
		":p":    dynamo.S(it.Purpose), ":s": dynamo.S(it.Subject),
	}
	if right {
		update += " SET used = :true, used_at = :now"
		values[":true"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	return &types.Update{
		TableName: aws.String(e.table.Name), Key: dynamo.OTPKey(it.ID).KeyAttrs(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("used = :false AND attempts = :seen AND attempts < :max AND expires_at > :now AND purpose = :p AND subject = :s"),
		ExpressionAttributeValues: values,
	}
}

// retryable reports whether a write failed only because the state it was
// decided on changed, or another transaction held its items.
func retryable(err error) bool {
	return err != nil && (dynamo.IsConditionFailed(err) || dynamo.IsTransactionConflict(err))
}

// writeError keeps the failures retryable recognises as they are.
func writeError(err error) error {
	if retryable(err) {
		return err
	}
	return fmt.Errorf("record otp attempt: %w", err)
}

// backOff waits a little, at random, before round+1: the verifies that
// lost a race then do not all collide again.
func backOff(ctx context.Context, round int) error {
	wait := rand.N(time.Duration(min(round+1, 10)) * 2 * time.Millisecond)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(wait):
		return nil
	}
}

func sixDigits(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func wrongCode(left int) error {
	return apperr.Newf(apperr.BadRequest, "otp_invalid", "wrong code; %d attempts left", max(left, 0))
}

func exhausted() error {
	return apperr.New(apperr.RateLimited, "otp_attempts_exhausted", "too many wrong codes; request a new one")
}

// locked is the answer while the subject may not try another code.
func locked(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &apperr.Error{Kind: apperr.RateLimited, Code: "otp_locked", RetryAfter: wait,
		Detail: fmt.Sprintf("too many wrong codes; try again in %d seconds", secs)}
}

// Found is a challenge as SubjectOf or PurposeOf read it: whose it is and
// what for, and what VerifyFound needs to check a code against it without
// reading it again.
type Found struct{ it item }

// Subject is whom the challenge was issued to.
func (f Found) Subject() string { return f.it.Subject }

// Purpose is what the challenge's code is for.
func (f Found) Purpose() Purpose { return Purpose(f.it.Purpose) }

// SubjectOf finds a challenge of purpose and tells whose it is, for the
// flows whose caller cannot say who they are yet (the second step of a
// login, a password reset by SMS): the challenge id is the only handle
// they hold. It tells nothing a wrong code would not: an unknown challenge,
// or one of another purpose, answers otp_expired like an expired one. The
// code is then checked with VerifyFound, for that subject as usual.
func (e *Engine) SubjectOf(ctx context.Context, id string, purpose Purpose) (Found, error) {
	it, err := e.get(ctx, id)
	if err != nil {
		return Found{}, err
	}
	if it.Purpose != string(purpose) {
		return Found{}, expiredOrUnknown()
	}
	return Found{it: it}, nil
}

// PurposeOf finds subject's challenge id and tells its purpose, for a
// verify route that takes any of a subject's challenges (an operation's,
// whose purpose names the operation). A challenge of another subject, or
// none, answers otp_expired like an expired one: nothing is told about it.
// The code is then checked with VerifyFound.
func (e *Engine) PurposeOf(ctx context.Context, id, subject string) (Found, error) {
	it, err := e.get(ctx, id)
	if err != nil {
		return Found{}, err
	}
	if it.Subject != subject {
		return Found{}, expiredOrUnknown()
	}
	return Found{it: it}, nil
}
