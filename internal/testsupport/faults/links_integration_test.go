package faults_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
)

// emailToken is the email_token attribute of client id's profile ("" when
// none).
func (w *world) emailToken(id string) string {
	w.t.Helper()
	for _, p := range w.env.ItemsOfType("client") {
		if s, ok := p["client_id"].(*types.AttributeValueMemberS); ok && s.Value == id {
			tok, _ := p["email_token"].(*types.AttributeValueMemberS)
			if tok == nil {
				return ""
			}
			return tok.Value
		}
	}
	w.t.Fatalf("no client %s", id)
	return ""
}

// lastToken is the token of the newest email_verification event to email.
func (w *world) lastToken(email string) string {
	w.t.Helper()
	list := w.events("email_verification", email)
	if len(list) == 0 {
		w.t.Fatalf("no email to %s", email)
	}
	data, _ := list[len(list)-1]["data"].(map[string]any)
	return fmt.Sprint(data["token"])
}

// An emailed link is written in one transaction with what records it: the
// sign-up's, a resend's (the token and its hash on the profile), an
// address change's (the token and the pending address). When that
// transaction fails the answer is 503 and nothing is left: no client, no
// token, the profile as it was, no event. Asked again, the link works.
func TestEmailLinksUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	auth, me := w.env.Handler("auth"), w.env.Handler("me")
	w.env.Configure("security", "registration", map[string]any{"confirmation": "email"})
	n := 0
	with(t, w, transactionFaults, func(w *world, f fault) {
		n++
		email, next := fmt.Sprintf("ann%d@example.com", n), fmt.Sprintf("new%d@example.com", n)
		signup := post("/auth/signup", map[string]any{"email": email, "password": password}, "")
		clients, tokens := w.count("client"), w.count("token")
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "TOKEN#", Fault: f.kind})
		expect503(w.t, w.faulted(auth, signup), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		if w.count("client") != clients || w.count("token") != tokens || len(w.events("email_verification", email)) != 0 {
			w.t.Fatalf("a failed sign-up left %d clients (were %d), %d tokens (were %d), %d emails",
				w.count("client"), clients, w.count("token"), tokens, len(w.events("email_verification", email)))
		}
		a := w.do(auth, signup).Expect(w.t, http.StatusCreated).Map(w.t)
		id, session := a["client_id"].(string), a["session"].(map[string]any)["token"].(string)
		first := w.lastToken(email)

		// A resend whose transaction fails: the sign-up's link stays the
		// one that works.
		hash, tokens := w.emailToken(id), w.count("token")
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "TOKEN#", Fault: f.kind})
		expect503(w.t, w.faulted(auth, post("/auth/confirm-email/resend", nil, session)), "notification_unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		if w.emailToken(id) != hash || w.count("token") != tokens || len(w.events("email_verification", email)) != 1 {
			w.t.Fatalf("a failed resend left the profile's token changed (%v), %d tokens (were %d), %d emails",
				w.emailToken(id) != hash, w.count("token"), tokens, len(w.events("email_verification", email)))
		}
		w.do(auth, post("/auth/confirm-email/resend", nil, session)).Expect(w.t, http.StatusAccepted)
		w.do(auth, post("/auth/confirm-email", map[string]any{"token": first}, "")).ExpectProblem(w.t, http.StatusBadRequest, "token_invalid")
		w.do(auth, post("/auth/confirm-email", map[string]any{"token": w.lastToken(email)}, "")).Expect(w.t, http.StatusOK)

		// An address change whose transaction fails: nothing pending.
		tokens = w.count("token")
		change := post("/me/email", map[string]any{"email": next}, session)
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "TOKEN#", Fault: f.kind})
		expect503(w.t, w.faulted(me, change), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		p := w.do(me, apptest.Request{Method: http.MethodGet, Path: "/me", Token: session}).Expect(w.t, http.StatusOK).Map(w.t)
		if p["pending_email"] != nil || w.count("token") != tokens || len(w.events("email_verification", next)) != 0 {
			w.t.Fatalf("a failed address change left %v pending, %d tokens (were %d), %d emails",
				p["pending_email"], w.count("token"), tokens, len(w.events("email_verification", next)))
		}
		w.do(me, change).Expect(w.t, http.StatusAccepted)
		w.do(auth, post("/auth/confirm-email", map[string]any{"token": w.lastToken(next)}, "")).Expect(w.t, http.StatusOK)
	})
}
