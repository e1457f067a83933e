package otp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/dbtest"
)

// guessPolicy sends as many codes as the guessing tests ask for: at most
// 10 wrong codes in 15 minutes, 3 per challenge.
var guessPolicy = func() otp.Policy {
	p := policy
	p.ResendCooldown, p.MaxSendsPerHour = 0, 1000
	return p
}()

// attacker guesses the login codes of one subject, asking for a fresh code
// whenever the current one has had its attempts or expired.
type attacker struct {
	t       *testing.T
	h       harness
	subject string
	ch      otp.Challenge
	code    string
	tries   int
}

func (a *attacker) guess() error {
	if a.ch.ID == "" || a.tries == guessPolicy.MaxAttempts || !a.h.env.Clock.Now().Before(a.ch.ExpiresAt) {
		a.ch, a.code = a.h.issue(a.t, guessPolicy, otp.Login, a.subject, number)
		a.tries = 0
	}
	a.tries++
	return a.h.verify(a.ch.ID, otp.Login, a.subject, wrong(a.code))
}

// counted reports whether a guess's answer shows it was counted (a wrong
// code), and fails t unless it was that or otp_locked.
func counted(t *testing.T, err error) bool {
	t.Helper()
	switch apperr.CodeOf(err) {
	case "otp_invalid":
		return true
	case "otp_locked":
		return false
	}
	t.Fatalf("guess answered %v, want otp_invalid or otp_locked", err)
	return false
}

func expectLocked(t *testing.T, err error, retryAfter time.Duration) {
	t.Helper()
	if e := expectCode(t, err, apperr.RateLimited, "otp_locked"); e.RetryAfter != retryAfter {
		t.Fatalf("Retry-After %v, want %v", e.RetryAfter, retryAfter)
	}
}

// 100 wrong codes in 4 hours, in a burst each hour, each against fresh
// challenges: each burst gets exactly 10 counted, then the lock holds
// whatever challenge is used, even for the right code.
func TestWrongCodesAcrossChallengesLockTheSubject(t *testing.T) {
	h := setup(t)
	a := &attacker{t: t, h: h, subject: "c-1"}
	for hour := range 4 {
		start := apptest.Start.Add(time.Duration(hour) * time.Hour)
		h.env.Clock.Set(start)
		wrongCodes, lockedOut := 0, 0
		for i := range 25 {
			err := a.guess()
			if counted(t, err) {
				wrongCodes++
			} else {
				lockedOut++
			}
			if i == 10 { // the first of the burst counts until start+15m
				expectLocked(t, err, 15*time.Minute-50*time.Second)
			}
			h.env.Clock.Advance(5 * time.Second)
		}
		if wrongCodes != 10 || lockedOut != 15 {
			t.Fatalf("hour %d: %d wrong codes counted, %d locked out; want 10 and 15", hour, wrongCodes, lockedOut)
		}
	}
	// Locked out: a fresh challenge's right code is refused too...
	ch, code := h.issue(t, guessPolicy, otp.Login, "c-1", number)
	expectCode(t, h.verify(ch.ID, otp.Login, "c-1", code), apperr.RateLimited, "otp_locked")
	// ...but only for this purpose.
	ch2, code2 := h.issue(t, guessPolicy, otp.Operation("withdraw"), "c-1", number)
	if err := h.verify(ch2.ID, otp.Operation("withdraw"), "c-1", code2); err != nil {
		t.Fatalf("another purpose while login is locked: %v", err)
	}
	// Once the window has passed, the right code works.
	h.env.Clock.Set(apptest.Start.Add(3*time.Hour + 15*time.Minute))
	ch, code = h.issue(t, guessPolicy, otp.Login, "c-1", number)
	if err := h.verify(ch.ID, otp.Login, "c-1", code); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// The window slides: each wrong code stops counting exactly 15 minutes
// after it was made, and then admits exactly one more.
func TestTheLockLiftsAsTheWindowSlides(t *testing.T) {
	h := setup(t)
	a := &attacker{t: t, h: h, subject: "c-1"}
	for range 10 {
		if !counted(t, a.guess()) {
			t.Fatal("locked before 10 wrong codes")
		}
		h.env.Clock.Advance(5 * time.Second)
	}
	h.env.Clock.Set(apptest.Start.Add(15*time.Minute - time.Second))
	expectLocked(t, a.guess(), time.Second)
	h.env.Clock.Set(apptest.Start.Add(15 * time.Minute))
	if !counted(t, a.guess()) {
		t.Fatal("the first wrong code still counts 15 minutes later")
	}
	expectLocked(t, a.guess(), 5*time.Second) // the second one, made at +5s, still counts
	h.env.Clock.Advance(5 * time.Second)
	if !counted(t, a.guess()) {
		t.Fatal("the second wrong code still counts 15 minutes later")
	}
}

// Wrong codes from 09:14 to 09:44, one every 30 s: a window of clock
// quarters would let 10 through before 09:15 and 10 more right after;
// the sliding window lets exactly 10 through by 09:18:30 and the next
// ones only from 09:29, as the first ones stop counting.
func TestNoDoubleBurstAtTheWindowBoundary(t *testing.T) {
	h := setup(t)
	a := &attacker{t: t, h: h, subject: "c-1"}
	start := apptest.Start.Add(14 * time.Minute)
	h.env.Clock.Set(start)
	var got []time.Duration
	for range 60 {
		if counted(t, a.guess()) {
			got = append(got, h.env.Clock.Now().Sub(start))
		}
		h.env.Clock.Advance(30 * time.Second)
	}
	var want []time.Duration
	for _, from := range []time.Duration{0, 15 * time.Minute} {
		for i := range 10 {
			want = append(want, from+time.Duration(i)*30*time.Second)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("wrong codes counted at (after 09:14)\n%v\nwant\n%v", got, want)
	}
}

func TestANewCodeVoidsTheEarlierOnes(t *testing.T) {
	h := setup(t)
	first, code1 := h.issue(t, guessPolicy, otp.Login, "c-1", number)
	other, code3 := h.issue(t, guessPolicy, otp.PasswordReset, "c-1", number) // another purpose
	second, code2 := h.issue(t, guessPolicy, otp.Login, "c-1", number)
	expectCode(t, h.verify(first.ID, otp.Login, "c-1", code1), apperr.BadRequest, "otp_expired")
	if err := h.verify(second.ID, otp.Login, "c-1", code2); err != nil {
		t.Fatalf("the newest code: %v", err)
	}
	if err := h.verify(other.ID, otp.PasswordReset, "c-1", code3); err != nil {
		t.Fatalf("a code of another purpose is not voided: %v", err)
	}
	// Another subject's new code voids nothing of c-1's.
	third, code4 := h.issue(t, guessPolicy, otp.Login, "c-1", number)
	h.issue(t, guessPolicy, otp.Login, "c-2", number)
	if err := h.verify(third.ID, otp.Login, "c-1", code4); err != nil {
		t.Fatalf("after another subject's code: %v", err)
	}
}

// answer is everything a caller sees of an error.
func answer(err error) string {
	e, ok := apperr.As(err)
	if !ok {
		return fmt.Sprintf("not an apperr: %v", err)
	}
	return fmt.Sprintf("%d %s %q %v %v", e.Kind, e.Code, e.Detail, e.RetryAfter, e.Fields)
}

// Checking someone else's challenge, or one of another purpose, even with
// its right code, answers exactly what a wrong code of one's own does,
// attempt after attempt, and counts as a wrong code of one's own; the
// other challenge is left as it was.
func TestAChallengeOfAnotherSubjectAnswersLikeAWrongCode(t *testing.T) {
	h := setup(t)
	own, ownCode := h.issue(t, guessPolicy, otp.Login, "c-1", number)
	theirs, theirCode := h.issue(t, guessPolicy, otp.Login, "c-2", "+33612345678")
	reset, resetCode := h.issue(t, guessPolicy, otp.PasswordReset, "c-1", number)
	for i := range guessPolicy.MaxAttempts + 1 {
		want := answer(h.verify(own.ID, otp.Login, "c-1", wrong(ownCode)))
		for name, got := range map[string]string{
			"another subject's challenge": answer(h.verify(theirs.ID, otp.Login, "c-1", theirCode)),
			"another purpose's challenge": answer(h.verify(reset.ID, otp.Login, "c-1", resetCode)),
		} {
			if got != want {
				t.Fatalf("attempt %d at %s: %s, want what a wrong code of one's own answers: %s", i+1, name, got, want)
			}
		}
	}
	if to, err := h.engine.Verify(ctx, theirs.ID, otp.Login, "c-2", theirCode); err != nil || to != "+33612345678" {
		t.Fatalf("the other subject's code after the probes: %q, %v", to, err)
	}
	if err := h.verify(reset.ID, otp.PasswordReset, "c-1", resetCode); err != nil {
		t.Fatalf("the other purpose's code after the probes: %v", err)
	}
	// 9 wrong codes were counted against c-1's logins: one more, then locked.
	a := &attacker{t: t, h: h, subject: "c-1"}
	if !counted(t, a.guess()) {
		t.Fatal("locked after 9 wrong codes")
	}
	expectCode(t, a.guess(), apperr.RateLimited, "otp_locked")
}

// A code proves the number it was sent to and no other: confirming
// another number with it is a wrong code, and so is a stored number that
// was changed afterwards (it is part of the code's hash).
func TestACodeProvesOneNumber(t *testing.T) {
	h := setup(t)
	const other = "+4915199999999"
	ch, code := h.issue(t, guessPolicy, otp.PhoneConfirmation, "c-1", number)
	e := expectCode(t, h.engine.VerifyNumber(ctx, ch.ID, otp.PhoneConfirmation, "c-1", other, code), apperr.BadRequest, "otp_invalid")
	if e.Detail != "wrong code; 2 attempts left" {
		t.Fatalf("detail %q", e.Detail)
	}
	if err := h.engine.VerifyNumber(ctx, ch.ID, otp.PhoneConfirmation, "c-1", "+49 151 1234 5678", code); err != nil {
		t.Fatalf("the number the code went to: %v", err)
	}

	ch, code = h.issue(t, guessPolicy, otp.PhoneConfirmation, "c-1", number)
	_, err := dbtest.Client(t).UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(h.env.Deps.Table.Name), Key: dynamo.OTPKey(ch.ID).KeyAttrs(),
		UpdateExpression:          aws.String("SET phone = :other"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":other": dynamo.S(other)},
	})
	if err != nil {
		t.Fatal(err)
	}
	expectCode(t, h.verify(ch.ID, otp.PhoneConfirmation, "c-1", code), apperr.BadRequest, "otp_invalid")
	expectCode(t, h.engine.VerifyNumber(ctx, ch.ID, otp.PhoneConfirmation, "c-1", other, code), apperr.BadRequest, "otp_invalid")
}

// N wrong codes at once against one subject, on its own challenge and on
// someone else's: exactly as many are counted as the lock admits, and
// every other one is answered otp_locked.
func TestConcurrentWrongCodesAreCountedExactlyUpToTheLock(t *testing.T) {
	h := setup(t)
	pol := guessPolicy
	pol.MaxAttempts = 50
	own, ownCode := h.issue(t, pol, otp.Login, "c-1", number)
	theirs, theirCode := h.issue(t, pol, otp.Login, "c-2", "+33612345678")
	const n = 30
	errs := apptest.Concurrently(n, func(i int) error {
		if i%2 == 0 {
			return h.verify(own.ID, otp.Login, "c-1", fmt.Sprintf("%06d", (atoi(ownCode)+1+i)%1_000_000))
		}
		return h.verify(theirs.ID, otp.Login, "c-1", theirCode)
	})
	wrongCodes, ownWrong := 0, 0
	for i, err := range errs {
		if counted(t, err) {
			wrongCodes++
			if i%2 == 0 {
				ownWrong++
			}
		}
	}
	if wrongCodes != pol.MaxFailedCodes {
		t.Fatalf("%d of %d concurrent wrong codes counted, want exactly %d", wrongCodes, n, pol.MaxFailedCodes)
	}
	attempts := func(id string) string {
		for _, it := range h.env.ItemsOfType("otp") {
			if it["PK"].(*types.AttributeValueMemberS).Value == dynamo.OTPKey(id).PK {
				return it["attempts"].(*types.AttributeValueMemberN).Value
			}
		}
		return "no challenge"
	}
	if got := attempts(own.ID); got != fmt.Sprint(ownWrong) {
		t.Fatalf("own challenge: %s attempts stored, %d answered as wrong codes", got, ownWrong)
	}
	if got := attempts(theirs.ID); got != "0" {
		t.Fatalf("the other subject's challenge has %s attempts, want it untouched", got)
	}
}
