package otp_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/app/otpkey"
	"clientarea/internal/messaging/delivery"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/snstest"
)

const number = "+4915112345678"

var policy = otp.Policy{TTL: 5 * time.Minute, MaxAttempts: 3, ResendCooldown: time.Minute, MaxSendsPerHour: 5,
	MaxFailedCodes: 10, FailedCodesWindow: 15 * time.Minute}

type harness struct {
	env    *apptest.Env
	engine *otp.Engine
}

func setup(t *testing.T) harness {
	env := apptest.NewFor(t, "security") // the function that sends codes
	return harness{env: env, engine: engine(t, env)}
}

var ctx = context.Background()

// engine builds the OTP engine the way the functions do.
func engine(t *testing.T, env *apptest.Env) *otp.Engine {
	t.Helper()
	e, err := otpkey.Engine(ctx, env.Deps)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// issue sends a code for subject and returns the challenge and the code as
// the SMS carried it.
func (h harness) issue(t *testing.T, pol otp.Policy, purpose otp.Purpose, subject, phone string) (otp.Challenge, string) {
	t.Helper()
	ch, err := h.engine.Issue(ctx, pol, otp.Request{Purpose: purpose, Subject: subject, Phone: phone, Language: "en"})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return ch, h.lastCode(t)
}

// verify is Verify when the number does not matter.
func (h harness) verify(id string, purpose otp.Purpose, subject, code string) error {
	_, err := h.engine.Verify(ctx, id, purpose, subject, code)
	return err
}

var codeInText = regexp.MustCompile(`\b([0-9]{6})\b`)

func (h harness) lastCode(t *testing.T) string {
	t.Helper()
	sent := h.env.Deps.Outbox.List()
	if len(sent) == 0 {
		t.Fatal("no SMS was sent")
	}
	m := codeInText.FindStringSubmatch(sent[0].Message)
	if m == nil {
		t.Fatalf("no code in %q", sent[0].Message)
	}
	return m[1]
}

func expectCode(t *testing.T, err error, kind apperr.Kind, code string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	return e
}

func wrong(code string) string { return fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000) }

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestRightCodeVerifiesOnce(t *testing.T) {
	h := setup(t)
	ch, code := h.issue(t, policy, otp.Login, "c-1", "+49 151 1234 5678")
	if !ch.ExpiresAt.Equal(h.env.Clock.Now().Add(5*time.Minute)) || !ch.ResendAfter.Equal(h.env.Clock.Now().Add(time.Minute)) {
		t.Fatalf("challenge %+v", ch)
	}
	sent := h.env.Deps.Outbox.List()[0]
	if sent.To != number || sent.Channel != "sms" || !strings.Contains(sent.Message, "expires in 5 min") {
		t.Fatalf("sms %+v", sent)
	}
	if to, err := h.engine.Verify(ctx, ch.ID, otp.Login, "c-1", code); err != nil || to != number {
		t.Fatalf("right code: %q, %v; want the number it was sent to", to, err)
	}
	expectCode(t, h.verify(ch.ID, otp.Login, "c-1", code), apperr.BadRequest, "otp_invalid")
}

func TestExpiredCodesAreRejectedWhileStillInTheTable(t *testing.T) {
	h := setup(t)
	ch, code := h.issue(t, policy, otp.Login, "c-1", number)
	h.env.Clock.Advance(5 * time.Minute) // expiry is exclusive: at ExpiresAt the code is dead
	expectCode(t, h.verify(ch.ID, otp.Login, "c-1", code), apperr.BadRequest, "otp_expired")
	if n := len(h.env.ItemsOfType("otp")); n != 1 {
		t.Fatalf("%d challenges in the table, want the expired one still there", n)
	}
	// Unknown (or TTL-deleted) challenges read the same, whatever the id looks like.
	for _, id := range []string{"NOSUCHCHALLENGE", strings.Repeat("A", 32), "subject#login#x", ""} {
		expectCode(t, h.verify(id, otp.Login, "c-1", code), apperr.BadRequest, "otp_expired")
	}
}

// The expiry is stored (for the write condition, and a later TTL for
// DynamoDB's deletion), and the code works up to it.
func TestCodeWorksUntilItsExpiry(t *testing.T) {
	h := setup(t)
	ch, code := h.issue(t, policy, otp.Login, "c-1", number)
	item := h.env.ItemsOfType("otp")[0]
	expires := item["expires_at"].(*types.AttributeValueMemberS).Value
	ttl := item["ttl"].(*types.AttributeValueMemberN).Value
	if !strings.HasPrefix(expires, ch.ExpiresAt.Format("2006-01-02T15:04:05")) || ttl == "" {
		t.Fatalf("expires_at %s ttl %s", expires, ttl)
	}
	h.env.Clock.Advance(4*time.Minute + 59*time.Second)
	if err := h.verify(ch.ID, otp.Login, "c-1", code); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
}

func TestWrongCodesCountAndExhaustTheChallenge(t *testing.T) {
	h := setup(t)
	ch, code := h.issue(t, policy, otp.PhoneConfirmation, "c-1", number)
	for i := 1; i <= 3; i++ {
		e := expectCode(t, h.verify(ch.ID, otp.PhoneConfirmation, "c-1", wrong(code)), apperr.BadRequest, "otp_invalid")
		if want := fmt.Sprintf("%d attempts left", 3-i); !strings.Contains(e.Detail, want) {
			t.Fatalf("attempt %d: detail %q, want %q", i, e.Detail, want)
		}
	}
	if got := h.env.ItemsOfType("otp")[0]["attempts"].(*types.AttributeValueMemberN).Value; got != "3" {
		t.Fatalf("attempts stored %s, want 3", got)
	}
	// Now even the right code fails.
	expectCode(t, h.verify(ch.ID, otp.PhoneConfirmation, "c-1", code), apperr.RateLimited, "otp_attempts_exhausted")
	// A malformed code is rejected without counting.
	expectCode(t, h.verify(ch.ID, otp.PhoneConfirmation, "c-1", "12ab"), apperr.BadRequest, "otp_invalid")
}

func TestConcurrentVerifiesOfTheRightCodeSucceedOnce(t *testing.T) {
	h := setup(t)
	for round := range 3 { // a race can hide once; run it a few times
		h.env.Clock.Advance(time.Hour)
		ch, code := h.issue(t, policy, otp.Operation("withdraw"), "c-1", number)
		const n = 8
		errs := apptest.Concurrently(n, func(int) error {
			return h.verify(ch.ID, otp.Operation("withdraw"), "c-1", code)
		})
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if apperr.CodeOf(err) != "otp_invalid" {
				t.Fatalf("round %d: a losing verify got %v, want otp_invalid", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d of %d concurrent verifies succeeded, want exactly 1", round, ok, n)
		}
	}
}

// Concurrent wrong guesses cannot exceed the attempts: each one is counted.
func TestConcurrentWrongGuessesAreAllCounted(t *testing.T) {
	h := setup(t)
	pol := otp.Policy{TTL: time.Minute, MaxAttempts: 10, MaxSendsPerHour: 5, MaxFailedCodes: 20, FailedCodesWindow: time.Minute}
	ch, code := h.issue(t, pol, otp.Login, "c-1", number)
	apptest.Concurrently(10, func(i int) error {
		return h.verify(ch.ID, otp.Login, "c-1", fmt.Sprintf("%06d", (atoi(code)+1+i)%1_000_000))
	})
	if got := h.env.ItemsOfType("otp")[0]["attempts"].(*types.AttributeValueMemberN).Value; got != "10" {
		t.Fatalf("attempts %s after 10 wrong guesses", got)
	}
	expectCode(t, h.verify(ch.ID, otp.Login, "c-1", code), apperr.RateLimited, "otp_attempts_exhausted")
}

func TestCodesAreBoundToPurposeAndSubject(t *testing.T) {
	h := setup(t)
	ch, code := h.issue(t, policy, otp.Login, "c-1", number)
	for _, c := range []struct {
		purpose otp.Purpose
		subject string
	}{
		{otp.PhoneConfirmation, "c-1"}, {otp.Operation("withdraw"), "c-1"}, {otp.PasswordReset, "c-1"}, {otp.Login, "c-2"},
	} {
		expectCode(t, h.verify(ch.ID, c.purpose, c.subject, code), apperr.BadRequest, "otp_invalid")
	}
	if err := h.verify(ch.ID, otp.Login, "c-1", code); err != nil {
		t.Fatalf("the right purpose and subject: %v", err)
	}

	h.env.Clock.Advance(time.Hour)
	ch, code = h.issue(t, policy, otp.Operation("withdraw"), "c-1", number)
	expectCode(t, h.verify(ch.ID, otp.Operation("transfer"), "c-1", code), apperr.BadRequest, "otp_invalid")
	if err := h.verify(ch.ID, otp.Operation("withdraw"), "c-1", code); err != nil {
		t.Fatal(err)
	}
}

func TestResendCooldownPerNumber(t *testing.T) {
	h := setup(t)
	h.issue(t, policy, otp.Login, "c-1", number)
	_, err := h.engine.Issue(ctx, policy, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: "+49 151 12345678"})
	if e := expectCode(t, err, apperr.RateLimited, "rate_limited"); e.RetryAfter != time.Minute {
		t.Fatalf("Retry-After %v, want 1m", e.RetryAfter)
	}
	h.env.Clock.Advance(40 * time.Second)
	_, err = h.engine.Issue(ctx, policy, otp.Request{Purpose: otp.Login, Subject: "c-9", Phone: number})
	if e := expectCode(t, err, apperr.RateLimited, "rate_limited"); e.RetryAfter != 20*time.Second {
		t.Fatalf("Retry-After %v, want 20s (the limit is the number's, whoever asks)", e.RetryAfter)
	}
	h.issue(t, policy, otp.Login, "c-2", "+12025550143") // another number is not held up
	h.env.Clock.Advance(20 * time.Second)
	h.issue(t, policy, otp.Login, "c-1", number)
	if n := len(h.env.Deps.Outbox.List()); n != 3 {
		t.Fatalf("%d SMS sent, want 3 (none while limited)", n)
	}
}

func TestHourlyCapPerNumber(t *testing.T) {
	h := setup(t)
	pol := policy
	pol.ResendCooldown = 0
	pol.MaxSendsPerHour = 3
	h.env.Clock.Set(apptest.Start.Add(10 * time.Minute))
	for range 3 {
		h.issue(t, pol, otp.Login, "c-1", number)
		h.env.Clock.Advance(time.Minute)
	}
	_, err := h.engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number})
	if e := expectCode(t, err, apperr.RateLimited, "rate_limited"); e.RetryAfter != 57*time.Minute {
		t.Fatalf("Retry-After %v, want 57m (until the first is an hour old, 10:10)", e.RetryAfter)
	}
	if n := len(h.env.Deps.Outbox.List()); n != 3 {
		t.Fatalf("%d SMS sent, want 3", n)
	}
	h.env.Clock.Set(apptest.Start.Add(70 * time.Minute))
	h.issue(t, pol, otp.Login, "c-1", number)
}

// Both limits are checked before SNS is called; a send SNS refuses leaves
// no challenge behind and answers sms_unavailable.
func TestSNSFailureLeavesNoUsableCode(t *testing.T) {
	h := setup(t)
	srv := snstest.New(t)
	h.env.Deps.Config.SNSEndpoint = srv.URL
	h.env.Deps.AWS.RetryMaxAttempts = 1 // a failing SNS fails once, fast
	engine := engine(t, h.env)
	pol := policy
	pol.SenderID = "Brand"

	srv.Fail(true)
	_, err := engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number, Language: "de"})
	expectCode(t, err, apperr.Unavailable, "sms_unavailable")
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].PhoneNumber != number || !strings.HasPrefix(reqs[0].Message, "Ihr Bestätigungscode") ||
		reqs[0].Attributes["AWS.SNS.SMS.SenderID"].StringValue != "Brand" {
		t.Fatalf("SNS requests %+v", reqs)
	}
	if n := len(h.env.ItemsOfType("otp")); n != 0 {
		t.Fatalf("%d challenges stored after a failed send, want none", n)
	}
	// The failed send counted: the cooldown holds, and SNS is not called.
	srv.Fail(false)
	_, err = engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number})
	expectCode(t, err, apperr.RateLimited, "rate_limited")
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("SNS called %d times, want 1: limits come first", n)
	}
	h.env.Clock.Advance(time.Minute)
	ch, err := engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number})
	if err != nil {
		t.Fatal(err)
	}
	code := codeInText.FindStringSubmatch(srv.Requests()[1].Message)[1]
	if _, err := engine.Verify(ctx, ch.ID, otp.Login, "c-1", code); err != nil {
		t.Fatalf("code sent through SNS: %v", err)
	}
}

func TestNoPlaintextCodeInTheTable(t *testing.T) {
	h := setup(t)
	var codes []string
	for i := range 5 {
		h.env.Clock.Advance(time.Hour)
		_, code := h.issue(t, policy, otp.Login, fmt.Sprintf("c-%d", i), number)
		codes = append(codes, code)
	}
	items := h.env.Items()
	if len(h.env.ItemsOfType("otp")) != 5 {
		t.Fatalf("want 5 challenges in %d items", len(items))
	}
	// Any attribute, of any item, holding a code as a number of its own
	// (not inside a longer run of digits such as a timestamp's fraction).
	for _, code := range codes {
		alone := regexp.MustCompile(`(^|[^0-9])` + code + `([^0-9]|$)`)
		for _, it := range items {
			for name, av := range it {
				if alone.MatchString(fmt.Sprintf("%+v", av)) {
					t.Fatalf("attribute %s of %v holds code %s", name, it["PK"], code)
				}
			}
		}
	}
}

func TestNoKeyNoCodes(t *testing.T) {
	h := setup(t)
	h.env.Deps.Config.OTPKey = "short"
	if _, err := otpkey.Engine(ctx, h.env.Deps); err == nil {
		t.Fatal("the OTP engine was built with a short key")
	}
	sender := delivery.Outbox{Box: h.env.Deps.Outbox, Clock: h.env.Clock}
	_, err := otp.New(h.env.Deps.Table, h.env.Clock, []byte("short"), sender).Issue(ctx, policy, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number})
	if apperr.KindOf(err) != apperr.Internal {
		t.Fatalf("issue with a short key: %v", err)
	}
	if n := len(h.env.Deps.Outbox.List()); n != 0 {
		t.Fatalf("%d SMS sent without a key", n)
	}
}

func TestAnUnusablePolicyIsRefusedBeforeSending(t *testing.T) {
	h := setup(t)
	noFailedCodes, noWindow := policy, policy
	noFailedCodes.MaxFailedCodes, noWindow.FailedCodesWindow = 0, 0
	for _, pol := range []otp.Policy{{MaxAttempts: 3}, {TTL: time.Minute}, noFailedCodes, noWindow} {
		_, err := h.engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number})
		if apperr.KindOf(err) != apperr.Internal {
			t.Fatalf("policy %+v: %v", pol, err)
		}
	}
	if n := len(h.env.Deps.Outbox.List()); n != 0 {
		t.Fatalf("%d SMS sent", n)
	}
}
