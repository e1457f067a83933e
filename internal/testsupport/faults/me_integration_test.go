package faults_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
)

// self is a signed-up client of the me function.
type self struct {
	id, token string
}

func (w *world) client(auth http.Handler, email string) self {
	w.t.Helper()
	a := w.signup(auth, email, "")
	return self{id: a["client_id"].(string), token: a["session"].(map[string]any)["token"].(string)}
}

// confirmPhone gives c the confirmed phone number.
func (w *world) confirmPhone(me http.Handler, c self, number string) {
	w.t.Helper()
	ch := w.do(me, post("/me/phone", map[string]any{"phone": number}, c.token)).Expect(w.t, http.StatusAccepted).Map(w.t)
	w.do(me, post("/me/phone/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, c.token)).
		Expect(w.t, http.StatusOK)
	w.cooldown()
}

// A new phone whose code cannot be sent is 503 sms_unavailable with a
// Retry-After that covers the cooldown; nothing is stored (no challenge,
// the number is not the client's), and the code of an SMS that SNS took
// confirms nothing. After the Retry-After a new code confirms the number.
func TestPhoneCodeUnderSNSFaults(t *testing.T) {
	w := newWorld(t)
	auth, me := w.env.Handler("auth"), w.env.Handler("me")
	w.security(nil)
	n := 0
	with(t, w, smsFaults, func(w *world, f fault) {
		n++
		c := w.client(auth, fmt.Sprintf("ann%d@example.com", n))
		number := fmt.Sprintf("+49151123457%02d", n)
		codes := w.count("otp")
		w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: number, Fault: f.kind, AfterSend: f.afterSend})
		expect503(w.t, w.faulted(me, post("/me/phone", map[string]any{"phone": number}, c.token)), "sms_unavailable", f.wait)
		w.expectAttempts(faults.SNS, "Publish", f.attempts)
		w.plan.Reset()
		if got := len(w.sms(number)); got != sent(f) || w.count("otp") != codes {
			w.t.Fatalf("%d SMS (want %d), %d challenges (were %d)", got, sent(f), w.count("otp"), codes)
		}
		if p := w.do(me, apptest.Request{Method: http.MethodGet, Path: "/me", Token: c.token}).Expect(w.t, 200).Map(w.t); p["phone"] != nil && p["phone"] != "" {
			w.t.Fatalf("the number became the client's: %v", p)
		}
		w.do(me, post("/me/phone", map[string]any{"phone": number}, c.token)).ExpectProblem(w.t, http.StatusTooManyRequests, "rate_limited")
		w.cooldown()
		ch := w.do(me, post("/me/phone", map[string]any{"phone": number}, c.token)).Expect(w.t, http.StatusAccepted).Map(w.t)
		w.do(me, post("/me/phone/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, c.token)).
			Expect(w.t, http.StatusOK)
		if !slices.Contains(w.partitions("unique"), "PHONE#"+number) {
			w.t.Fatal("the confirmed number is not claimed")
		}
	})
}

// An operation challenge whose SMS fails is 503 with nothing stored; a
// throttled Publish is retried by the SDK, and once it goes through the
// challenge works.
func TestOperationChallengeUnderSNSFaults(t *testing.T) {
	w := newWorld(t)
	auth, me := w.env.Handler("auth"), w.env.Handler("me")
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"withdraw"}})
	c := w.client(auth, "ann@example.com")
	const number = "+4915112345680"
	w.confirmPhone(me, c, number)
	challenge := post("/me/tfa/challenges", map[string]any{"operation": "withdraw"}, c.token)
	with(t, w, smsFaults, func(w *world, f fault) {
		codes, before := w.count("otp"), len(w.sms(number))
		w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: number, Fault: f.kind, AfterSend: f.afterSend})
		expect503(w.t, w.faulted(me, challenge), "sms_unavailable", f.wait)
		w.expectAttempts(faults.SNS, "Publish", f.attempts)
		w.plan.Reset()
		if got := len(w.sms(number)) - before; got != sent(f) || w.count("otp") != codes {
			w.t.Fatalf("%d SMS (want %d), %d challenges (were %d)", got, sent(f), w.count("otp"), codes)
		}
		w.cooldown()
		if f.kind == faults.Throttle { // a throttle the retry absorbs
			w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: number, Fault: f.kind, Attempts: 1})
		}
		ch := w.do(me, challenge).Expect(w.t, http.StatusAccepted).Map(w.t)
		if got := len(w.sms(number)) - before; got != sent(f)+1 {
			w.t.Fatalf("%d SMS, want %d", got, sent(f)+1)
		}
		w.plan.Reset()
		v := w.do(me, post(fmt.Sprintf("/me/tfa/challenges/%s/verify", ch["challenge_id"]), map[string]any{"code": w.lastCode(number)}, c.token)).
			Expect(w.t, http.StatusOK).Map(w.t)
		if v["operation_token"] == nil {
			w.t.Fatalf("no operation token: %v", v)
		}
		w.cooldown()
	})
}

// An operation challenge's verify whose write fails is 503: the code is
// not spent and no operation token exists; the same code then earns one.
// When the token cannot be stored after the code was accepted, the code
// is spent and no token exists either: nothing usable was left that the
// client was not given.
func TestOperationVerifyUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	auth, me := w.env.Handler("auth"), w.env.Handler("me")
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"withdraw"}})
	c := w.client(auth, "ann@example.com")
	const number = "+4915112345681"
	w.confirmPhone(me, c, number)
	challenge := post("/me/tfa/challenges", map[string]any{"operation": "withdraw"}, c.token)
	with(t, w, transactionFaults, func(w *world, f fault) {
		ch := w.do(me, challenge).Expect(w.t, http.StatusAccepted).Map(w.t)
		verify := post(fmt.Sprintf("/me/tfa/challenges/%s/verify", ch["challenge_id"]), map[string]any{"code": w.lastCode(number)}, c.token)
		tokens := w.count("operation_token")
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "OTP#", Fault: f.kind})
		expect503(w.t, w.faulted(me, verify), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		if w.count("operation_token") != tokens {
			w.t.Fatalf("%d operation tokens, were %d", w.count("operation_token"), tokens)
		}
		w.do(me, verify).Expect(w.t, http.StatusOK)
		w.cooldown()
	})

	ch := w.do(me, challenge).Expect(t, http.StatusAccepted).Map(t)
	verify := post(fmt.Sprintf("/me/tfa/challenges/%s/verify", ch["challenge_id"]), map[string]any{"code": w.lastCode(number)}, c.token)
	tokens := w.count("operation_token")
	w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "PutItem", Key: "OPTOKEN#", Fault: faults.ServerError})
	expect503(t, w.do(me, verify), "unavailable", "1")
	w.expectAttempts(faults.DynamoDB, "PutItem", 3)
	w.plan.Reset()
	if w.count("operation_token") != tokens {
		t.Fatalf("%d operation tokens, were %d", w.count("operation_token"), tokens)
	}
	w.do(me, verify).ExpectProblem(t, http.StatusBadRequest, "otp_invalid") // "this code was already used"
}

// When the session authorizer cannot read the session, a client route is
// 503 unavailable with Retry-After: never 401, which would log the client
// out, nor 500.
func TestSessionCheckUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	auth, me := w.env.Handler("auth"), w.env.Handler("me")
	c := w.client(auth, "ann@example.com")
	with(t, w, tableFaults, func(w *world, f fault) {
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "BatchGetItem", Key: "SESSION#", Fault: f.kind})
		expect503(w.t, w.faulted(me, apptest.Request{Method: http.MethodGet, Path: "/me", Token: c.token}), "unavailable", "1")
		w.expectAttempts(faults.DynamoDB, "BatchGetItem", f.attempts)
		w.plan.Reset()
		w.do(me, apptest.Request{Method: http.MethodGet, Path: "/me", Token: c.token}).Expect(w.t, http.StatusOK)
	})
}
