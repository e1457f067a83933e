package auth_test

import (
	"fmt"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

// accountsOf lists the client's accounts (through the accounts function).
func (w *world) accountsOf(token string) []any {
	w.t.Helper()
	return apptest.Do(w.t, w.env.Handler("accounts"), apptest.Request{Method: "GET", Path: "/me/accounts", Token: token}).
		Expect(w.t, 200).Map(w.t)["items"].([]any)
}

// accountItems counts the account items of the table, whoever reads them.
func (w *world) accountItems() int {
	w.t.Helper()
	return len(w.env.ItemsOfType("account"))
}

// open_account_on_signup: with no confirmation asked, sign-up itself
// opens the live account, in the configured currency.
func TestSignupOpensTheSignupAccount(t *testing.T) {
	w := newWorld(t)
	w.env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true, "signup_account_currency": "EUR"})
	a := w.signup("ann@example.com", "")
	if w.accountItems() != 1 {
		t.Fatalf("%d accounts after sign-up, want 1", w.accountItems())
	}
	token, _ := sessionOf(t, a)
	items := w.accountsOf(token)
	if acc := items[0].(map[string]any); len(items) != 1 || acc["kind"] != "live" || acc["currency"] != "EUR" || acc["opened_by"] != "signup" {
		t.Fatalf("accounts %v", items)
	}
}

// With email confirmation asked, the account waits for the link, and is
// opened exactly once however often the client then looks.
func TestConfirmationOpensTheSignupAccount(t *testing.T) {
	w := newWorld(t)
	w.registration("email")
	w.env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true})
	a := w.signup("ann@example.com", "")
	token, _ := sessionOf(t, a)
	if n := len(w.accountsOf(token)); n != 0 {
		t.Fatalf("%d accounts before confirmation", n)
	}
	w.post("/auth/confirm-email", map[string]any{"token": w.env.LastToken("ann@example.com", "email_verification")}, "").Expect(t, 200)
	if n := w.accountItems(); n != 1 {
		t.Fatalf("%d accounts after confirmation, want 1", n)
	}
	for range 3 {
		w.accountsOf(token)
	}
	if n := w.accountItems(); n != 1 {
		t.Fatalf("%d accounts after later visits, want still 1", n)
	}
}

// With the switch off, nothing is opened.
func TestNoSignupAccountWhenOff(t *testing.T) {
	w := newWorld(t)
	for i := range 2 {
		w.signup(fmt.Sprintf("c%d@example.com", i), "")
	}
	if n := w.accountItems(); n != 0 {
		t.Fatalf("%d accounts", n)
	}
}
