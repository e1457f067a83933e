package faults_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
)

const password = "correct horse battery staple"

func post(path string, body any, token string) apptest.Request {
	return apptest.Request{Method: http.MethodPost, Path: path, Body: body, Token: token}
}

// smsFaults are SNS failing an SMS. Only a throttled Publish is retried
// (SNS refused it); after a 5xx, a reset, a timeout or no answer the SMS
// may have gone out, and the same code is never sent twice. afterSend
// faults are those where SNS took the SMS and only its answer was lost.
var smsFaults = []fault{
	{kind: faults.Throttle, attempts: 3, wait: "60"},
	{kind: faults.ServerError, attempts: 1, wait: "60"},
	{kind: faults.Unavailable, attempts: 1, wait: "60"},
	{kind: faults.ConnectionReset, attempts: 1, wait: "60"},
	{kind: faults.Hang, attempts: 1, wait: "60"},
	{kind: faults.ServerError, attempts: 1, wait: "60", afterSend: true},
	{kind: faults.Timeout, attempts: 1, wait: "60", afterSend: true},
	{kind: faults.Hang, attempts: 1, wait: "60", afterSend: true},
}

// signup signs email up and returns the answer.
func (w *world) signup(auth http.Handler, email, phone string) map[string]any {
	w.t.Helper()
	body := map[string]any{"email": email, "password": password}
	if phone != "" {
		body["phone"] = phone
	}
	return w.do(auth, post("/auth/signup", body, "")).Expect(w.t, http.StatusCreated).Map(w.t)
}

// confirmedClient signs email up with number, confirmed, under the
// registration section's phone confirmation, and returns its id and
// session token.
func (w *world) confirmedClient(auth http.Handler, email, number string) (id, token string) {
	w.t.Helper()
	a := w.signup(auth, email, number)
	token = a["session"].(map[string]any)["token"].(string)
	ch := a["phone_challenge"].(map[string]any)
	w.do(auth, post("/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, token)).
		Expect(w.t, http.StatusOK)
	w.cooldown()
	return a["client_id"].(string), token
}

// A sign-up whose transaction fails is 503 and leaves nothing: no client,
// no claim of its email or phone, no session. The same sign-up works
// later, also when its transaction fails once and the SDK retries it.
func TestSignupUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	auth := w.env.Handler("auth")
	n := 0
	with(t, w, transactionFaults, func(w *world, f fault) {
		n++
		email, phone := fmt.Sprintf("ann%d@example.com", n), fmt.Sprintf("+491511234560%d", n)
		clients, sessions := w.count("client"), w.count("session")
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "EMAIL#", Fault: f.kind})
		r := w.faulted(auth, post("/auth/signup", map[string]any{"email": email, "password": password, "phone": phone}, ""))
		expect503(w.t, r, "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		claims := w.partitions("unique")
		if w.count("client") != clients || w.count("session") != sessions ||
			slices.Contains(claims, "EMAIL#"+email) || slices.Contains(claims, "PHONE#"+phone) {
			w.t.Fatalf("a failed sign-up left %d clients (were %d), %d sessions (were %d), claims %v",
				w.count("client"), clients, w.count("session"), sessions, claims)
		}
		if retried(f) { // and fails once more, which the SDK's retry absorbs
			w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "EMAIL#", Fault: f.kind, Attempts: 1})
		}
		a := w.signup(auth, email, phone)
		if a["client_id"] == "" || a["session"] == nil {
			w.t.Fatalf("sign-up after the fault: %v", a)
		}
		if retried(f) && w.plan.Injected(faults.DynamoDB, "TransactWriteItems") != 1 {
			w.t.Fatalf("%d failed attempts, want 1", w.plan.Injected(faults.DynamoDB, "TransactWriteItems"))
		}
	})
}

// Under phone confirmation, a sign-up whose SMS fails is still a sign-up
// (201), without a phone challenge: no code is stored, so none can be
// confirmed; a resend after the cooldown sends a code that works.
func TestSignupWhoseSMSFails(t *testing.T) {
	w := newWorld(t)
	auth := w.env.Handler("auth")
	w.env.Configure("security", "registration", map[string]any{"confirmation": "phone"})
	w.security(nil)
	n := 0
	with(t, w, smsFaults, func(w *world, f fault) {
		n++
		email, number := fmt.Sprintf("bob%d@example.com", n), fmt.Sprintf("+491511234561%d", n)
		codes := w.count("otp")
		w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: number, Fault: f.kind, AfterSend: f.afterSend})
		r := w.faulted(auth, post("/auth/signup", map[string]any{"email": email, "password": password, "phone": number}, ""))
		a := r.Expect(w.t, http.StatusCreated).Map(w.t)
		w.expectAttempts(faults.SNS, "Publish", f.attempts)
		w.plan.Reset()
		if _, ok := a["phone_challenge"]; ok || w.count("otp") != codes {
			w.t.Fatalf("a failed SMS left a challenge: %v, %d codes stored (were %d)", a, w.count("otp"), codes)
		}
		if got := len(w.sms(number)); got != sent(f) {
			w.t.Fatalf("%d SMS went out, want %d", got, sent(f))
		}
		token := a["session"].(map[string]any)["token"].(string)
		w.cooldown()
		ch := w.do(auth, post("/auth/confirm-phone/resend", nil, token)).Expect(w.t, http.StatusAccepted).Map(w.t)
		w.do(auth, post("/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, token)).
			Expect(w.t, http.StatusOK)
	})
}

// sent is how many SMS a failed send delivered: one when SNS took it.
func sent(f fault) int {
	if f.afterSend {
		return 1
	}
	return 0
}

// A login whose code cannot be sent is 503 sms_unavailable with a
// Retry-After that covers the resend cooldown; no challenge is stored,
// the SMS went out at most once, and its code (when SNS took it) is never
// accepted. After the Retry-After, a login sends a new code that works.
func TestLoginCodeUnderSNSFaults(t *testing.T) {
	w := newWorld(t)
	auth := w.env.Handler("auth")
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login"}})
	w.env.Configure("security", "registration", map[string]any{"confirmation": "phone"})
	const number = "+4915112345670"
	w.confirmedClient(auth, "ann@example.com", number)
	login := post("/auth/login", map[string]any{"email": "ann@example.com", "password": password}, "")
	with(t, w, smsFaults, func(w *world, f fault) {
		codes, before := w.count("otp"), len(w.sms(number))
		w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: number, Fault: f.kind, AfterSend: f.afterSend})
		expect503(w.t, w.faulted(auth, login), "sms_unavailable", f.wait)
		w.expectAttempts(faults.SNS, "Publish", f.attempts)
		w.plan.Reset()
		if w.count("otp") != codes {
			w.t.Fatalf("%d challenges stored, were %d", w.count("otp"), codes)
		}
		if got := len(w.sms(number)) - before; got != sent(f) {
			w.t.Fatalf("%d SMS went out, want %d", got, sent(f))
		}
		lost := ""
		if f.afterSend {
			lost = w.lastCode(number)
		}
		// Sooner than Retry-After: the cooldown the failed send took.
		w.do(auth, login).ExpectProblem(w.t, http.StatusTooManyRequests, "rate_limited")
		w.cooldown()
		ch := w.do(auth, login).Expect(w.t, http.StatusOK).Map(w.t)
		code := w.lastCode(number)
		if lost != "" && lost != code {
			w.do(auth, post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": lost}, "")).
				ExpectProblem(w.t, http.StatusBadRequest, "otp_invalid")
		}
		w.do(auth, post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": code}, "")).Expect(w.t, http.StatusOK)
		w.cooldown()
	})
}

// A login whose challenge cannot be stored after its SMS went out is 503
// with a Retry-After that covers the cooldown: the SMS went out once, and
// its code verifies nothing (no challenge holds it, and the client never
// learned a challenge id).
func TestLoginCodeWhoseChallengeIsNotStored(t *testing.T) {
	w := newWorld(t)
	auth := w.env.Handler("auth")
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login"}})
	w.env.Configure("security", "registration", map[string]any{"confirmation": "phone"})
	const number = "+4915112345671"
	w.confirmedClient(auth, "ann@example.com", number)
	login := post("/auth/login", map[string]any{"email": "ann@example.com", "password": password}, "")
	with(t, w, transactionFaults, func(w *world, f fault) {
		codes, before := w.count("otp"), len(w.sms(number))
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "OTP#", Fault: f.kind})
		expect503(w.t, w.faulted(auth, login), "unavailable", "60")
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		if w.count("otp") != codes || len(w.sms(number)) != before+1 {
			w.t.Fatalf("%d challenges (were %d), %d SMS (were %d)", w.count("otp"), codes, len(w.sms(number)), before)
		}
		lost := w.lastCode(number)
		w.cooldown()
		ch := w.do(auth, login).Expect(w.t, http.StatusOK).Map(w.t)
		code := w.lastCode(number)
		if lost != code {
			w.do(auth, post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": lost}, "")).
				ExpectProblem(w.t, http.StatusBadRequest, "otp_invalid")
		}
		w.do(auth, post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": code}, "")).Expect(w.t, http.StatusOK)
		w.cooldown()
	})
}

// A login/verify whose write fails is 503 and changes nothing: the code
// is not spent, no session exists, and the same code then logs in.
func TestLoginVerifyUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	auth := w.env.Handler("auth")
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login"}})
	w.env.Configure("security", "registration", map[string]any{"confirmation": "phone"})
	const number = "+4915112345672"
	w.confirmedClient(auth, "ann@example.com", number)
	login := post("/auth/login", map[string]any{"email": "ann@example.com", "password": password}, "")
	with(t, w, transactionFaults, func(w *world, f fault) {
		ch := w.do(auth, login).Expect(w.t, http.StatusOK).Map(w.t)
		answer := post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, "")
		sessions := w.count("session")
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "OTP#", Fault: f.kind})
		expect503(w.t, w.faulted(auth, answer), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		if w.count("session") != sessions {
			w.t.Fatalf("%d sessions, were %d", w.count("session"), sessions)
		}
		s := w.do(auth, answer).Expect(w.t, http.StatusOK).Map(w.t)
		if s["session"] == nil && s["token"] == nil {
			w.t.Fatalf("no session: %v", s)
		}
		w.cooldown()
	})
}

// A login/verify whose session cannot be created after the code was
// accepted is 503: the code is spent (single use), no session exists,
// so nothing usable is left that the client was not given; it logs in
// again.
func TestLoginVerifyWhoseSessionFails(t *testing.T) {
	w := newWorld(t)
	auth := w.env.Handler("auth")
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login"}})
	w.env.Configure("security", "registration", map[string]any{"confirmation": "phone"})
	const number = "+4915112345673"
	w.confirmedClient(auth, "ann@example.com", number)
	login := post("/auth/login", map[string]any{"email": "ann@example.com", "password": password}, "")
	ch := w.do(auth, login).Expect(t, http.StatusOK).Map(t)
	answer := post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, "")
	sessions := w.count("session")
	w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "SESSION#", Fault: faults.Throttle})
	expect503(t, w.do(auth, answer), "unavailable", "2")
	w.plan.Reset()
	if w.count("session") != sessions {
		t.Fatalf("%d sessions, were %d", w.count("session"), sessions)
	}
	r := w.do(auth, answer)
	if r.Status != http.StatusBadRequest || !strings.HasPrefix(r.Map(t)["code"].(string), "otp_") {
		t.Fatalf("the spent code again: %d %s", r.Status, r.Body)
	}
	w.cooldown()
	ch = w.do(auth, login).Expect(t, http.StatusOK).Map(t)
	w.do(auth, post("/auth/login/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, "")).Expect(t, http.StatusOK)
}
