package accounts_test

import (
	"reflect"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

// Until sign-up confirmation is done, opening is 403
// confirmation_required; once confirmed, a live account opens active (the
// default) with an empty balance, and the list shows it.
func TestOpeningNeedsConfirmation(t *testing.T) {
	w := newWorld(t)
	w.configure("security", "registration", map[string]any{"confirmation": "email"})
	ann := w.signup("ann@example.com")
	ann.open("live", "USD").ExpectProblem(t, 403, "confirmation_required")
	if got := ann.list(); len(got) != 0 {
		t.Fatalf("accounts %v", got)
	}
	token := w.env.LastToken(ann.email, "email_verification")
	apptest.Do(t, w.auth, apptest.Request{Method: "POST", Path: "/auth/confirm-email", Body: map[string]any{"token": token}}).Expect(t, 200)

	res := ann.open("live", "EUR").Expect(t, 201)
	a := decodeAccount(t, res)
	if a.Kind != "live" || a.Currency != "EUR" || a.Status != "active" || a.Balance != "0.00" || a.OpenedBy != "client" ||
		a.ActivatedAt == nil || *a.ActivatedAt != a.CreatedAt || a.CreatedAt != w.env.Clock.Now().Format("2006-01-02T15:04:05Z07:00") {
		t.Fatalf("account %s", res.Body)
	}
	if loc := res.Header.Get("Location"); loc != "/me/accounts/"+a.ID {
		t.Fatalf("Location %q", loc)
	}
	if got := ann.list(); len(got) != 1 || !reflect.DeepEqual(got[0], a) {
		t.Fatalf("accounts %v, want [%v]", got, a)
	}
	w.counters(ann.id, 1, 1)
}

// Demo accounts only while the General section offers them (409
// feature_disabled otherwise, checked before anything about the client),
// with the virtual balance; they count toward max_accounts but are not
// live.
func TestDemoAccounts(t *testing.T) {
	w := newWorld(t)
	w.configure("security", "registration", map[string]any{"confirmation": "email"})
	ann := w.signup("ann@example.com")
	ann.open("demo", "USD").ExpectProblem(t, 409, "feature_disabled") // before confirmation_required
	w.setProfile(ann.id, map[string]string{"email_confirmation": "confirmed"})
	ann.open("demo", "USD").ExpectProblem(t, 409, "feature_disabled")

	w.general(map[string]any{"demo_account": true, "max_accounts": 2})
	d := ann.opened("demo", "GBP")
	if d.Kind != "demo" || d.Balance != "10000.00" || d.Status != "active" || d.Currency != "GBP" {
		t.Fatalf("demo account %+v", d)
	}
	w.counters(ann.id, 1, 0)
	ann.opened("live", "USD")
	ann.open("demo", "USD").ExpectProblem(t, 409, "account_limit_reached")
	w.counters(ann.id, 2, 1)
}

// Without activate_account_on_create an account opens pending, with no
// activation time.
func TestAccountsOpenPendingWhenNotActivatedOnCreate(t *testing.T) {
	w := newWorld(t)
	w.general(map[string]any{"activate_account_on_create": false})
	ann := w.signup("ann@example.com")
	a := ann.opened("live", "USD")
	if a.Status != "pending" || a.ActivatedAt != nil {
		t.Fatalf("account %+v", a)
	}
	if raw := string(ann.do("GET", "/me/accounts", nil).Body); !strings.Contains(raw, `"activated_at":null`) {
		t.Fatalf("list %s", raw)
	}
}

// required_level is met by that level or one the level order ranks above
// it; an unranked level meets only itself; a reorder changes the answer.
// required_status is met by exactly that status.
func TestLevelOrderAndStatusDecide(t *testing.T) {
	w := newWorld(t)
	for _, label := range []string{"kyc1", "kyc2", "kyc3", "extra"} {
		w.verification.Do("POST", "/admin/verification-levels", level(label), "").Expect(t, 201)
	}
	w.env.Configure("verification", "level-order", map[string]any{"levels": []string{"kyc1", "kyc2", "kyc3"}})
	w.env.Configure("verification", "verification", map[string]any{"required_level": "kyc2"})
	low, exact, high, unranked, none := w.signup("low@example.com"), w.signup("exact@example.com"),
		w.signup("high@example.com"), w.signup("unranked@example.com"), w.signup("none@example.com")
	w.setProfile(low.id, map[string]string{"level": "kyc1"})
	w.setProfile(exact.id, map[string]string{"level": "kyc2"})
	w.setProfile(high.id, map[string]string{"level": "kyc3"})
	w.setProfile(unranked.id, map[string]string{"level": "extra"})

	p := low.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	if d := p["detail"].(string); !strings.Contains(d, "kyc2") || !strings.Contains(d, "held: kyc1") {
		t.Fatalf("detail %q", d)
	}
	unranked.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	none.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	exact.opened("live", "USD")
	high.opened("live", "USD")

	// kyc1 now ranks above kyc2, kyc3 below it.
	w.env.Configure("verification", "level-order", map[string]any{"levels": []string{"kyc3", "kyc2", "kyc1"}})
	low.opened("live", "USD")
	high.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	exact.opened("live", "USD")

	// A required status is met by exactly that status; Init is everyone's
	// until an admin sets one.
	w.verification.Do("POST", "/admin/statuses", map[string]any{"label": "Approved", "text": map[string]string{"en": "Approved"}}, "").Expect(t, 201)
	w.env.Configure("verification", "verification", map[string]any{"required_level": "kyc2", "required_status": "Approved"})
	p = exact.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	if d := p["detail"].(string); !strings.Contains(d, "status Approved (held: Init)") || strings.Contains(d, "level") {
		t.Fatalf("detail %q", d)
	}
	w.setProfile(exact.id, map[string]string{"verification_status": "Rejected"})
	exact.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	w.setProfile(exact.id, map[string]string{"verification_status": "Approved"})
	exact.opened("live", "USD")
	// Both lacking: the detail names both.
	p = high.open("live", "USD").ExpectProblem(t, 403, "verification_required")
	if d := p["detail"].(string); !strings.Contains(d, "kyc2") || !strings.Contains(d, "Approved") {
		t.Fatalf("detail %q", d)
	}
	w.counters(exact.id, 3, 3)
	w.counters(high.id, 1, 1)
}

// Six concurrent openings with max_accounts 2 and one account held: one
// opens, five are 409 account_limit_reached, and the counters stay exact.
func TestConcurrentOpeningsHoldTheLimit(t *testing.T) {
	w := newWorld(t)
	w.general(map[string]any{"max_accounts": 2, "demo_account": true})
	ann := w.signup("ann@example.com")
	ann.opened("live", "USD")
	kinds := []string{"live", "demo", "live", "demo", "live", "demo"}
	statuses := apptest.Concurrently(len(kinds), func(i int) *apptest.Response { return ann.open(kinds[i], "USD") })
	created, refused, live := 0, 0, 1
	for i, res := range statuses {
		switch res.Status {
		case 201:
			created++
			if kinds[i] == "live" {
				live++
			}
		case 409:
			res.ExpectProblem(t, 409, "account_limit_reached")
			refused++
		default:
			t.Fatalf("opening %d: %d %s", i, res.Status, res.Body)
		}
	}
	if created != 1 || refused != 5 {
		t.Fatalf("%d opened, %d refused; want 1 and 5", created, refused)
	}
	w.counters(ann.id, 2, live)
	// Lowering the limit below what a client holds refuses more; 0 lifts it.
	w.general(map[string]any{"max_accounts": 1})
	ann.open("live", "USD").ExpectProblem(t, 409, "account_limit_reached")
	w.general(map[string]any{"max_accounts": 0})
	ann.opened("live", "USD")
	w.counters(ann.id, 3, live+1)
}

// A client sees and opens only its own accounts: the /me routes carry no
// client id, and the back office's list of one client holds only that
// client's.
func TestClientsSeeOnlyTheirOwnAccounts(t *testing.T) {
	w := newWorld(t)
	w.general(map[string]any{"activate_account_on_create": false})
	ann, bob := w.signup("ann@example.com"), w.signup("bob@example.com")
	annAcc := ann.opened("live", "USD")
	bobAcc := bob.opened("live", "EUR")
	if got := ann.list(); len(got) != 1 || got[0].ID != annAcc.ID {
		t.Fatalf("ann sees %v", got)
	}
	if got := bob.list(); len(got) != 1 || got[0].ID != bobAcc.ID {
		t.Fatalf("bob sees %v", got)
	}
	if got := w.adminList(ann.id); len(got) != 1 || got[0].ID != annAcc.ID {
		t.Fatalf("ann's accounts %v", got)
	}
	// Each reads its own account by id (POST's Location), never the other's.
	if got := decodeAccount(t, ann.do("GET", "/me/accounts/"+annAcc.ID, nil).Expect(t, 200)); got.ID != annAcc.ID {
		t.Fatalf("ann reads %+v", got)
	}
	ann.do("GET", "/me/accounts/"+bobAcc.ID, nil).ExpectProblem(t, 404, "not_found")
	ann.do("GET", "/me/accounts/nope", nil).ExpectProblem(t, 404, "not_found")
	// Bob's account under Ann's id does not exist.
	w.activate(ann.id, bobAcc.ID).ExpectProblem(t, 404, "not_found")
	if got := w.adminList(bob.id); got[0].Status != "pending" {
		t.Fatalf("bob's account %+v", got[0])
	}
	// The back-office routes are the back office's: a client's session
	// token is no admin token (401), nor is none; an unknown or malformed
	// client id is 404.
	apptest.Do(t, w.acc, apptest.Request{Method: "GET", Path: "/admin/clients/" + ann.id + "/accounts", Token: ann.token}).ExpectProblem(t, 401, "unauthenticated")
	w.admin.Anonymous("GET", "/admin/clients/"+ann.id+"/accounts", nil).Expect(t, 401) // API Gateway's answer
	w.admin.Get("/admin/clients/"+strings.Repeat("0", 32)+"/accounts").ExpectProblem(t, 404, "not_found")
	w.admin.Get("/admin/clients/ACCOUNT%23x/accounts").ExpectProblem(t, 404, "not_found")
	w.activate(ann.id, "nope").ExpectProblem(t, 404, "not_found")
	// Without a session there is nothing to list (the session
	// authorizer's refusal).
	apptest.Do(t, w.acc, apptest.Request{Method: "GET", Path: "/me/accounts"}).Expect(t, 401)
}

// Whatever body arrives, opening answers a 4xx problem, never a 5xx, and
// writes nothing: malformed JSON, wrong types and unknown fields are 400,
// a bad kind or currency 422 naming the field.
func TestBadBodiesAreClientErrors(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	for _, c := range []struct {
		body   string
		status int
		fields []string
	}{
		{`null`, 400, nil}, // a body is a JSON object
		{`{}`, 422, []string{"kind", "currency"}},
		{`[]`, 400, nil},
		{`"live"`, 400, nil},
		{`1`, 400, nil},
		{`{`, 400, nil},
		{``, 400, nil},
		{`{"kind":"live","currency":"USD"} {}`, 400, nil},
		{`{"kind":1,"currency":"USD"}`, 400, nil},
		{`{"kind":"live","currency":["USD"]}`, 400, nil},
		{`{"kind":"live","currency":"USD","balance":"1000000.00"}`, 400, nil},
		{`{"kind":"live","currency":"USD","opened_by":"signup"}`, 400, nil},
		{`{"kind":"live","currency":"usd"}`, 422, []string{"currency"}},
		{`{"kind":"live","currency":"XXX"}`, 422, []string{"currency"}},
		{`{"kind":"live","currency":"US"}`, 422, []string{"currency"}},
		{`{"kind":"live","currency":null}`, 422, []string{"currency"}},
		{`{"kind":"gold","currency":"USD"}`, 422, []string{"kind"}},
		{`{"kind":"Live","currency":"EURO"}`, 422, []string{"kind", "currency"}},
		{`{"kind":"` + strings.Repeat("x", 70_000) + `","currency":"USD"}`, 400, nil},
	} {
		res := ann.do("POST", "/me/accounts", c.body)
		if c.status == 422 {
			res.ExpectInvalid(t, "validation_failed", c.fields...)
		} else {
			res.ExpectProblem(t, c.status, "bad_request")
		}
	}
	res := apptest.Do(t, w.acc, apptest.Request{Method: "POST", Path: "/me/accounts", Token: ann.token,
		Body: `{"kind":"live","currency":"USD"}`, Headers: map[string]string{"Content-Type": "text/plain"}})
	res.ExpectProblem(t, 415, "unsupported_media_type")
	w.counters(ann.id, 0, 0)
}

// level is a verification level labelled label.
func level(label string) map[string]any {
	return map[string]any{"label": label, "type": "personal", "properties": []string{}, "required_documents": []string{},
		"translations": map[string]any{"en": map[string]any{"title": label, "description": label, "fields": map[string]string{}}}}
}
