package faults_test

import (
	"net/http"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
)

// accountsOf is client id's accounts as the back office lists them.
func (w *world) accountsOf(admin http.Handler, id string) []map[string]any {
	w.t.Helper()
	var l struct {
		Items []map[string]any `json:"items"`
	}
	w.do(admin, apptest.Admin(http.MethodGet, "/admin/clients/"+id+"/accounts", nil, "")).Expect(w.t, http.StatusOK).Decode(w.t, &l)
	return l.Items
}

// An account opening whose transaction fails is 503 and opens nothing:
// no account, the profile's counters as they were. The same opening
// works later.
func TestAccountOpeningUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	auth, acc := w.env.Handler("auth"), w.env.Handler("accounts")
	w.env.Configure("general", "general", map[string]any{"clients": map[string]any{"max_accounts": 20}})
	c := w.client(auth, "ann@example.com")
	open := post("/me/accounts", map[string]any{"kind": "live", "currency": "USD"}, c.token)
	with(t, w, transactionFaults, func(w *world, f fault) {
		before := len(w.accountsOf(acc, c.id))
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "CLIENT#" + c.id, Fault: f.kind})
		expect503(w.t, w.faulted(acc, open), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		if n := len(w.accountsOf(acc, c.id)); n != before || w.count("account") != before {
			w.t.Fatalf("%d accounts listed, %d stored; were %d", n, w.count("account"), before)
		}
		w.do(acc, open).Expect(w.t, http.StatusCreated)
		if n := len(w.accountsOf(acc, c.id)); n != before+1 {
			w.t.Fatalf("%d accounts, want %d", n, before+1)
		}
	})
}

// letterFaults are the notification topic failing an activation letter:
// published at most once (retried only when SNS refused it), so one
// activation never sends two letters.
var letterFaults = []fault{
	{kind: faults.Throttle, attempts: 3, wait: "2"},
	{kind: faults.ServerError, attempts: 1, wait: "1"},
	{kind: faults.ConnectionReset, attempts: 1, wait: "1"},
	{kind: faults.Hang, attempts: 1, wait: "1"},
	{kind: faults.ServerError, attempts: 1, wait: "1", afterSend: true},
	{kind: faults.Hang, attempts: 1, wait: "1", afterSend: true},
}

// An admin's activation whose letter cannot be published is 503
// notification_unavailable and is taken back: the account is pending
// again (the activation and its taking back both audited), even when the
// topic never answered and took its half of the request's time. A retry
// activates it once, with one letter.
func TestActivationWithLetterUnderSNSFaults(t *testing.T) {
	w := newWorld(t)
	auth, acc := w.env.Handler("auth"), w.env.Handler("accounts")
	w.env.Configure("general", "general", map[string]any{"clients": map[string]any{"activate_account_on_create": false, "max_accounts": 20}})
	w.env.Configure("security", "registration", map[string]any{"activation_letter": true})
	c := w.client(auth, "ann@example.com")
	topic := w.env.Deps.Config.NotificationTopicARN
	with(t, w, letterFaults, func(w *world, f fault) {
		a := w.do(acc, post("/me/accounts", map[string]any{"kind": "live", "currency": "USD"}, c.token)).Expect(w.t, http.StatusCreated).Map(w.t)
		id := a["account_id"].(string)
		activate := apptest.Admin(http.MethodPost, "/admin/clients/"+c.id+"/accounts/"+id+"/activate", nil, "")
		letters, entries := len(w.events("activation_letter", "ann@example.com")), len(w.env.AuditEntries("accounts"))
		w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: topic, Fault: f.kind, AfterSend: f.afterSend})
		expect503(w.t, w.faulted(acc, activate), "notification_unavailable", f.wait)
		w.expectAttempts(faults.SNS, "Publish", f.attempts)
		w.plan.Reset()
		if got := statusOf(w.accountsOf(acc, c.id), id); got != "pending" {
			w.t.Fatalf("the account is %s after a failed activation", got)
		}
		if got := len(w.events("activation_letter", "ann@example.com")) - letters; got != sent(f) {
			w.t.Fatalf("%d letters went out, want %d", got, sent(f))
		}
		if got := len(w.env.AuditEntries("accounts")) - entries; got != 2 {
			w.t.Fatalf("%d audit entries, want the activation and its taking back", got)
		}
		w.do(acc, activate).Expect(w.t, http.StatusOK)
		if got := len(w.events("activation_letter", "ann@example.com")) - letters; got != sent(f)+1 || statusOf(w.accountsOf(acc, c.id), id) != "active" {
			w.t.Fatalf("%d letters, account %s", got, statusOf(w.accountsOf(acc, c.id), id))
		}
	})
}

func statusOf(accounts []map[string]any, id string) string {
	for _, a := range accounts {
		if a["account_id"] == id {
			return a["status"].(string)
		}
	}
	return "missing"
}
