package otp_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/messaging/delivery"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/callcount"
)

// The engine's DynamoDB calls, counted through the real SDK: a send reads
// its budgets in one BatchGetItem; a verify reads the challenge and the
// subject item in one; after SubjectOf or PurposeOf the challenge is read
// once; what the caller writes with a challenge is in its transaction.

// recorded is an engine, as the auth function (which reads challenges in
// both ways), whose DynamoDB calls rec records.
func recorded(t *testing.T) (harness, *callcount.Recorder) {
	env := apptest.NewFor(t, "auth")
	rec := callcount.New(false)
	table := dynamo.Table{DB: dynamo.NewClient(rec.Instrument(env.Deps.AWS, "auth"), env.Deps.Config.DynamoDBEndpoint), Name: env.Deps.Table.Name}
	e := otp.New(table, env.Clock, []byte(apptest.OTPKey), delivery.Outbox{Box: env.Deps.Outbox, Clock: env.Clock})
	return harness{env: env, engine: e}, rec
}

// expectCalls fails t unless calls are exactly want (name: count) and
// each BatchGetItem named items[i] keys.
func expectCalls(t *testing.T, what string, calls []callcount.Call, want map[string]int, items ...int) {
	t.Helper()
	got := callcount.Count(calls)
	for name, n := range want {
		if got[name] != n {
			t.Fatalf("%s: %s, want %v", what, callcount.Summary(calls), want)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Fatalf("%s: %s, want %v", what, callcount.Summary(calls), want)
		}
	}
	var batches []int
	for _, c := range calls {
		if c.Operation == "BatchGetItem" {
			if !c.Consistent {
				t.Fatalf("%s: an eventually consistent BatchGetItem", what)
			}
			batches = append(batches, c.Items)
		}
	}
	if len(items) > 0 && len(batches) == len(items) {
		for i := range items {
			if batches[i] != items[i] {
				t.Fatalf("%s: BatchGetItem of %v items, want %v", what, batches, items)
			}
		}
	}
}

// A send reads one shard of each of its seven budgets in one
// BatchGetItem, takes them in one transaction and
// stores the challenge in another; a verify reads the challenge and the
// subject item in one BatchGetItem and writes in one transaction, a wrong
// code as a right one.
func TestASendAndAVerifyReadInOneBatch(t *testing.T) {
	h, rec := recorded(t)
	req := otp.Request{Purpose: otp.PhoneConfirmation, Subject: "c-1", Phone: number, SourceIP: "192.0.2.1"}
	ch, err := h.engine.Issue(ctx, defaultPolicy(), req)
	if err != nil {
		t.Fatal(err)
	}
	expectCalls(t, "a send", rec.Take(), map[string]int{"dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 2}, 7)
	code := h.lastCode(t)

	err = h.verify(ch.ID, otp.PhoneConfirmation, "c-1", wrong(code))
	expectCode(t, err, apperr.BadRequest, "otp_invalid")
	expectCalls(t, "a wrong code", rec.Take(), map[string]int{"dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 1}, 2)
	if err := h.verify(ch.ID, otp.PhoneConfirmation, "c-1", code); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, "the right code", rec.Take(), map[string]int{"dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 1}, 2)
	err = h.verify(ch.ID, otp.PhoneConfirmation, "c-1", code)
	expectCode(t, err, apperr.BadRequest, "otp_invalid")
	expectCalls(t, "a used code", rec.Take(), map[string]int{"dynamodb:BatchGetItem": 1}, 2)
}

// After SubjectOf (or PurposeOf) the challenge is not read again: the
// verify's first round reads only the subject item. The answers of both
// tell nothing of a challenge of another purpose or subject.
func TestAFoundChallengeIsReadOnce(t *testing.T) {
	h, rec := recorded(t)
	ch, code := h.issue(t, policy, otp.Login, "c-1#0", number)
	rec.Take()

	found, err := h.engine.SubjectOf(ctx, ch.ID, otp.Login)
	if err != nil || found.Subject() != "c-1#0" || found.Purpose() != otp.Login {
		t.Fatalf("SubjectOf: %+v, %v", found, err)
	}
	expectCalls(t, "SubjectOf", rec.Take(), map[string]int{"dynamodb:GetItem": 1})
	expectCode(t, wrongFound(h, found, code), apperr.BadRequest, "otp_invalid")
	subjectOnly(t, "a wrong code", rec.Take(), ch.ID)

	found, _ = h.engine.SubjectOf(ctx, ch.ID, otp.Login)
	rec.Take()
	if _, err := h.engine.VerifyFound(ctx, found, code); err != nil {
		t.Fatal(err)
	}
	subjectOnly(t, "the right code", rec.Take(), ch.ID)

	// Nothing told: another purpose, another subject, an unknown id.
	for what, err := range map[string]error{
		"another purpose": second(h.engine.SubjectOf(ctx, ch.ID, otp.PasswordReset)),
		"another subject": second(h.engine.PurposeOf(ctx, ch.ID, "c-2")),
		"unknown":         second(h.engine.SubjectOf(ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", otp.Login)),
		"not an id":       second(h.engine.PurposeOf(ctx, "x", "c-1#0")),
	} {
		if e, _ := apperr.As(err); e == nil || e.Code != "otp_expired" || e.Detail != "the code expired; request a new one" {
			t.Fatalf("%s: %v, want otp_expired like an expired challenge", what, err)
		}
	}
	if _, err := h.engine.VerifyFound(ctx, otp.Found{}, code); apperr.KindOf(err) != apperr.BadRequest {
		t.Fatalf("a zero Found: %v", err)
	}
}

// subjectOnly fails t unless calls are a verify of a found challenge: one
// GetItem, of the subject item, and the transaction.
func subjectOnly(t *testing.T, what string, calls []callcount.Call, id string) {
	t.Helper()
	expectCalls(t, what, calls, map[string]int{"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 1})
	for _, c := range calls {
		if c.Operation == "GetItem" && (len(c.Keys) != 1 || c.Keys[0] == dynamo.OTPKey(id)) {
			t.Fatalf("%s read %v, want the subject item only", what, c.Keys)
		}
	}
}

// wrongFound verifies a wrong code against found.
func wrongFound(h harness, found otp.Found, code string) error {
	_, err := h.engine.VerifyFound(ctx, found, wrong(code))
	return err
}

func second[T any](_ T, err error) error { return err }

// A found challenge decides only the first round, and only if nothing
// changed since it was read: a wrong code counted meanwhile, or the
// challenge used meanwhile, fails the write's conditions, and the next
// round reads the challenge again (both items, one BatchGetItem) and
// decides on what is there. The attempts left are exact.
func TestAStaleFoundChallengeIsReadAgain(t *testing.T) {
	h, rec := recorded(t)
	pol := policy
	pol.MaxAttempts = 3
	ch, code := h.issue(t, pol, otp.Login, "c-1#0", number)
	found, err := h.engine.SubjectOf(ctx, ch.ID, otp.Login)
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile, a wrong code (another request of the same caller).
	expectCode(t, h.verify(ch.ID, otp.Login, "c-1#0", wrong(code)), apperr.BadRequest, "otp_invalid")
	rec.Take()
	e := expectCode(t, wrongFound(h, found, code), apperr.BadRequest, "otp_invalid")
	if e.Detail != "wrong code; 1 attempts left" {
		t.Fatalf("the stale read answered %q, want 1 attempt left (2 of 3 used)", e.Detail)
	}
	expectCalls(t, "a stale found challenge", rec.Take(),
		map[string]int{"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 2, "dynamodb:BatchGetItem": 1}, 2)

	// Meanwhile, the right code: the found challenge is used.
	found, _ = h.engine.SubjectOf(ctx, ch.ID, otp.Login)
	if err := h.verify(ch.ID, otp.Login, "c-1#0", code); err != nil {
		t.Fatal(err)
	}
	rec.Take()
	if _, err := h.engine.VerifyFound(ctx, found, code); err == nil {
		t.Fatal("a used code verified again")
	} else if e := expectCode(t, err, apperr.BadRequest, "otp_invalid"); e.Detail != "this code was already used; request a new one" {
		t.Fatalf("used: %q", e.Detail)
	}
	expectCalls(t, "a found challenge used meanwhile", rec.Take(),
		map[string]int{"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 1, "dynamodb:BatchGetItem": 1}, 2)
}

// What the caller writes with a challenge (Request.Also) is in the
// challenge's own transaction: both are stored, or, when the transaction
// fails after the SMS went out, neither is. An error of Also refuses the
// request before anything is counted or sent.
func TestAlsoIsWrittenWithTheChallenge(t *testing.T) {
	h, rec := recorded(t)
	marker := func(cond string) func(otp.Challenge) ([]types.TransactWriteItem, error) {
		return func(ch otp.Challenge) ([]types.TransactWriteItem, error) {
			put := &types.Put{TableName: aws.String(h.env.Deps.Table.Name),
				Item: map[string]types.AttributeValue{"PK": dynamo.S("OTP#also#" + ch.ID), "SK": dynamo.S("ALSO"), "type": dynamo.S("otp_also")}}
			if cond != "" {
				put.ConditionExpression = aws.String(cond)
			}
			return []types.TransactWriteItem{{Put: put}}, nil
		}
	}
	req := otp.Request{Purpose: otp.SMSTest, Subject: "admin-1", Phone: number, Also: marker("")}
	ch, err := h.engine.Issue(ctx, policy, req)
	if err != nil {
		t.Fatal(err)
	}
	calls := rec.Take()
	expectCalls(t, "a send with Also", calls, map[string]int{"dynamodb:BatchGetItem": 1, "dynamodb:TransactWriteItems": 2})
	if last := calls[len(calls)-1]; last.Operation != "TransactWriteItems" || last.Items != 3 {
		t.Fatalf("the challenge's transaction: %v, want 3 items (challenge, subject, Also's)", last)
	}
	if items := h.env.ItemsOfType("otp_also"); len(items) != 1 || dynamo.KeyOf(items[0]).PK != "OTP#also#"+ch.ID {
		t.Fatalf("items of Also %v, want the one of challenge %s", items, ch.ID)
	}

	// A transaction that fails (here Also's own condition) stores neither:
	// the SMS went out, but its code verifies nothing.
	h.env.Clock.Advance(policy.ResendCooldown)
	challenges := len(h.env.ItemsOfType(dynamo.TypeOTP))
	req.Also = marker("attribute_exists(PK)")
	if _, err := h.engine.Issue(ctx, policy, req); err == nil {
		t.Fatal("a failed transaction issued a challenge")
	}
	if n := len(h.env.Deps.Outbox.List()); n != 2 {
		t.Fatalf("%d SMS, want 2 (the failed store comes after the send)", n)
	}
	if n, m := len(h.env.ItemsOfType(dynamo.TypeOTP)), len(h.env.ItemsOfType("otp_also")); n != challenges || m != 1 {
		t.Fatalf("%d challenges (were %d), %d items of Also (were 1)", n, challenges, m)
	}

	// An error of Also: nothing counted, nothing sent.
	h.env.Clock.Advance(policy.ResendCooldown)
	rec.Take()
	req.Also = func(otp.Challenge) ([]types.TransactWriteItem, error) { return nil, errTest }
	if _, err := h.engine.Issue(ctx, policy, req); apperr.KindOf(err) != apperr.Internal {
		t.Fatalf("Also failing: %v, want an internal error", err)
	}
	if calls := rec.Take(); len(calls) != 0 || len(h.env.Deps.Outbox.List()) != 2 {
		t.Fatalf("Also failing: calls %v, %d SMS", calls, len(h.env.Deps.Outbox.List()))
	}
}

var errTest = errors.New("a test failure")
