package accounts_test

import (
	"testing"

	"clientarea/internal/client/clients"
	"clientarea/internal/testsupport/apptest"
)

// With open_account_on_signup, a client's live account opens at the moment
// the rules first allow it, exactly once, however many triggers race: here
// four flows calling EnsureSignupAccount and two visits of the client.
// Later triggers, even on a stale profile, never open a second; the client
// may still open more live accounts itself.
func TestSignupAccountOpensOnceWhenTheRulesAllow(t *testing.T) {
	w := newWorld(t)
	w.verification.Do("POST", "/admin/verification-levels", level("kyc1"), "").Expect(t, 201)
	w.env.Configure("verification", "verification", map[string]any{
		"open_account_on_signup": true, "required_level": "kyc1", "signup_account_currency": "EUR"})
	w.configure("security", "registration", map[string]any{"activation_letter": true})
	ann := w.signup("ann@example.com")
	if l := ann.list(); len(l) != 0 {
		t.Fatalf("accounts before the rules allow one: %v", l)
	}
	opener := w.opener()
	if opened, err := opener.EnsureSignupAccount(t.Context(), w.profile(ann.id), w.settings()); opened || err != nil {
		t.Fatalf("opened %v, error %v before the rules allow it", opened, err)
	}

	w.setProfile(ann.id, map[string]string{"level": "kyc1"})
	stale, cfg := w.profile(ann.id), w.settings()
	type result struct {
		opened bool
		err    error
		status int
	}
	results := apptest.Concurrently(6, func(i int) result {
		if i < 4 {
			opened, err := opener.EnsureSignupAccount(t.Context(), stale, cfg)
			return result{opened: opened, err: err}
		}
		return result{status: ann.do("GET", "/me/accounts", nil).Status}
	})
	openedBy := 0
	for _, r := range results {
		if r.err != nil || (r.status != 0 && r.status != 200) {
			t.Fatalf("results %+v", results)
		}
		if r.opened {
			openedBy++
		}
	}
	if openedBy > 1 {
		t.Fatalf("%d triggers say they opened the account", openedBy)
	}
	l := ann.list()
	if len(l) != 1 || l[0].Kind != "live" || l[0].Currency != "EUR" || l[0].OpenedBy != "signup" || l[0].Status != "active" {
		t.Fatalf("accounts %+v", l)
	}
	w.counters(ann.id, 1, 1)
	if n := len(w.letters(ann.email)); n != 1 {
		t.Fatalf("%d letters", n)
	}

	for _, c := range []clients.Client{stale, w.profile(ann.id)} {
		if opened, err := opener.EnsureSignupAccount(t.Context(), c, cfg); opened || err != nil {
			t.Fatalf("a second signup account: %v %v", opened, err)
		}
	}
	ann.opened("live", "USD")
	if opened, err := opener.EnsureSignupAccount(t.Context(), stale, cfg); opened || err != nil {
		t.Fatalf("a signup account after the client's own: %v %v", opened, err)
	}
	w.counters(ann.id, 2, 2)
}

// While the signup account is due, a live account the client asks for is
// that account (in the currency asked for), not a second one beside it;
// asking for a demo account first opens the signup account, as every visit
// does, and the signup account takes its place under max_accounts.
func TestSignupAccountDueWhenTheClientOpens(t *testing.T) {
	w := newWorld(t)
	ann, bob := w.signup("ann@example.com"), w.signup("bob@example.com")
	w.env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true})
	w.general(map[string]any{"demo_account": true, "max_accounts": 1})

	a := ann.opened("live", "GBP")
	if l := ann.list(); len(l) != 1 || l[0].ID != a.ID || a.Currency != "GBP" {
		t.Fatalf("accounts %+v, want only %+v", l, a)
	}
	w.counters(ann.id, 1, 1)

	bob.open("demo", "USD").ExpectProblem(t, 409, "account_limit_reached")
	if l := bob.list(); len(l) != 1 || l[0].OpenedBy != "signup" || l[0].Kind != "live" {
		t.Fatalf("bob's accounts %+v", l)
	}
	w.general(map[string]any{"demo_account": true, "max_accounts": 0})
	bob.opened("demo", "USD")
	w.counters(bob.id, 2, 1)
}

// An opening is decided on the profile as read and written only while the
// profile still holds what it was decided on: a level or a confirmation
// taken away meanwhile makes it decide again, on a fresh read, and refuse.
func TestOpeningOnAStaleProfileDecidesAgain(t *testing.T) {
	w := newWorld(t)
	w.verification.Do("POST", "/admin/verification-levels", level("kyc1"), "").Expect(t, 201)
	w.env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true, "required_level": "kyc1"})
	ann := w.signup("ann@example.com")
	w.setProfile(ann.id, map[string]string{"level": "kyc1"})
	opener, cfg := w.opener(), w.settings()
	for _, change := range []map[string]string{
		{"level": "kyc0"},
		{"level": "kyc1", "email_confirmation": "pending"},
	} {
		w.setProfile(ann.id, map[string]string{"level": "kyc1", "email_confirmation": "not_required"})
		stale := w.profile(ann.id)
		w.setProfile(ann.id, change)
		if opened, err := opener.EnsureSignupAccount(t.Context(), stale, cfg); opened || err != nil {
			t.Fatalf("after %v: opened %v, error %v", change, opened, err)
		}
		w.counters(ann.id, 0, 0)
	}
	w.setProfile(ann.id, map[string]string{"level": "kyc1", "email_confirmation": "confirmed"})
	if opened, err := opener.EnsureSignupAccount(t.Context(), w.profile(ann.id), cfg); !opened || err != nil {
		t.Fatalf("opened %v, error %v", opened, err)
	}
	w.counters(ann.id, 1, 1)
}
