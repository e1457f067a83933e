package accounts_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"clientarea/internal/client/accounts"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/snstest"
)

// A pending account becomes active by an admin's activation, audited in
// its transaction; the activation letter goes out once, to the client's
// address in its language; a second activation is 409
// account_not_pending and sends nothing.
func TestPendingAccountActivatedOnceWithOneLetter(t *testing.T) {
	w := newWorld(t)
	w.general(map[string]any{"activate_account_on_create": false})
	w.configure("security", "registration", map[string]any{"activation_letter": true})
	ann := w.signup("ann@example.com")
	w.setProfile(ann.id, map[string]string{"language": "de"})
	a := ann.opened("live", "CHF")
	if a.Status != "pending" || len(w.letters(ann.email)) != 0 {
		t.Fatalf("account %+v, letters %v", a, w.letters(ann.email))
	}

	w.env.Clock.Advance(600e9)
	at := w.env.Clock.Now().Format("2006-01-02T15:04:05Z07:00")
	got := decodeAccount(t, w.activate(ann.id, a.ID).Expect(t, 200))
	if got.ID != a.ID || got.Status != "active" || got.ActivatedAt == nil || *got.ActivatedAt != at || got.CreatedAt != a.CreatedAt {
		t.Fatalf("activated %+v", got)
	}
	if l := ann.list(); len(l) != 1 || !reflect.DeepEqual(l[0], got) {
		t.Fatalf("list %v, want [%v]", l, got)
	}
	letters := w.letters(ann.email)
	want := letter{Kind: "activation_letter", ClientID: ann.id, Email: ann.email, Language: "de",
		Data: map[string]string{"account_id": a.ID, "kind": "live", "currency": "CHF"}}
	if len(letters) != 1 || !sameLetter(letters[0], want) {
		t.Fatalf("letters %+v, want one %+v", letters, want)
	}

	w.activate(ann.id, a.ID).ExpectProblem(t, 409, "account_not_pending")
	if n := len(w.letters(ann.email)); n != 1 {
		t.Fatalf("%d letters after a second activation", n)
	}
	entries := w.env.AuditEntries(accounts.AuditSection)
	if len(entries) != 1 {
		t.Fatalf("%d audit entries, want 1", len(entries))
	}
	e := entries[0]
	if e.Subject != ann.id+"/"+a.ID || e.Actor != "dev-admin" || e.Before["status"] != "pending" ||
		e.After["status"] != "active" || e.Before["activated_at"] != nil || e.After["activated_at"] != at {
		t.Fatalf("audit entry %+v", e)
	}

	// An account opened active gets its letter at once.
	w.general(map[string]any{"activate_account_on_create": true})
	b := ann.opened("live", "USD")
	if l := w.letters(ann.email); len(l) != 2 || l[0].Data["account_id"] != b.ID {
		t.Fatalf("letters %+v", l)
	}
	// Without activation_letter nothing is sent.
	w.configure("security", "registration", map[string]any{"activation_letter": false})
	w.general(map[string]any{"activate_account_on_create": false})
	c := ann.opened("live", "USD")
	w.activate(ann.id, c.ID).Expect(t, 200)
	ann.opened("live", "USD")
	if n := len(w.letters(ann.email)); n != 2 {
		t.Fatalf("%d letters, want 2", n)
	}
}

func sameLetter(a, b letter) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Racing activations of one account: exactly one 200, the others 409, one
// letter and one audit entry per account.
func TestRacingActivationsActivateOnce(t *testing.T) {
	w := newWorld(t)
	w.general(map[string]any{"activate_account_on_create": false})
	w.configure("security", "registration", map[string]any{"activation_letter": true})
	ann := w.signup("ann@example.com")
	const rounds = 3
	for round := range rounds {
		a := ann.opened("live", "USD")
		path := "/admin/clients/" + ann.id + "/accounts/" + a.ID + "/activate"
		results := apptest.Concurrently(2, func(int) *apptest.Response {
			return apptest.Do(t, w.admin.H, apptest.Admin(http.MethodPost, path, nil, ""))
		})
		ok := 0
		for _, r := range results {
			switch r.Status {
			case 200:
				ok++
			case 409:
				r.ExpectProblem(t, 409, "account_not_pending")
			default:
				t.Fatalf("activation: %d %s", r.Status, r.Body)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d activations succeeded", round, ok)
		}
		if n := len(w.letters(ann.email)); n != round+1 {
			t.Fatalf("round %d: %d letters", round, n)
		}
	}
	if n := len(w.env.AuditEntries(accounts.AuditSection)); n != rounds {
		t.Fatalf("%d audit entries, want %d", n, rounds)
	}
}

// In AWS letters go to the notification topic. When the topic cannot take
// one, what it announces is taken back and the answer is 503
// notification_unavailable: an opening is undone (no account, counters
// back), an activation returns to pending (audited both ways), the signup
// account is opened at a later visit; once the topic works, a retry does it
// all once.
func TestUnsentLetterTakesTheWriteBack(t *testing.T) {
	env := apptest.New(t)
	srv := snstest.New(t)
	topic := apptest.ARN(t, "NotificationTopic")
	env.Deps.Config.SNSEndpoint, env.Deps.Config.NotificationTopicARN = srv.URL, topic
	env.Deps.AWS.RetryMaxAttempts = 1 // a failing topic fails at once
	w := worldOf(t, env)
	w.configure("security", "registration", map[string]any{"activation_letter": true})
	ann := w.signup("ann@example.com")

	srv.Fail(true)
	ann.open("live", "USD").ExpectProblem(t, 503, "notification_unavailable")
	w.counters(ann.id, 0, 0)
	srv.Fail(false)
	a := ann.opened("live", "USD")
	w.counters(ann.id, 1, 1)
	if sent, all := publishedFor(srv, topic, a.ID), publishedFor(srv, topic, ""); sent != 1 || all != 2 {
		t.Fatalf("%d publishes of %s, %d in all; want 1 and 2 (the undone account's)", sent, a.ID, all)
	}

	w.general(map[string]any{"activate_account_on_create": false})
	p := ann.opened("live", "USD")
	srv.Fail(true)
	w.activate(ann.id, p.ID).ExpectProblem(t, 503, "notification_unavailable")
	if got := find(t, w.adminList(ann.id), p.ID); got.Status != "pending" || got.ActivatedAt != nil {
		t.Fatalf("after a failed letter: %+v", got)
	}
	if n := len(w.env.AuditEntries(accounts.AuditSection)); n != 2 {
		t.Fatalf("%d audit entries, want the activation and its undoing", n)
	}
	srv.Fail(false)
	w.activate(ann.id, p.ID).Expect(t, 200)
	w.activate(ann.id, p.ID).ExpectProblem(t, 409, "account_not_pending")
	if sent := publishedFor(srv, topic, p.ID); sent != 2 { // the failed try, then the letter
		t.Fatalf("%d publishes of %s", sent, p.ID)
	}

	// The signup account: a failed letter leaves no account, and a later
	// visit opens it.
	bob := w.signup("bob@example.com")
	w.general(map[string]any{"activate_account_on_create": true})
	w.env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true})
	srv.Fail(true)
	opened, err := w.opener().EnsureSignupAccount(t.Context(), w.profile(bob.id), w.settings())
	if opened || err == nil {
		t.Fatalf("opened %v, error %v", opened, err)
	}
	bob.do("GET", "/me/accounts", nil).Expect(t, 200) // the visit's failure does not fail the list
	w.counters(bob.id, 0, 0)
	srv.Fail(false)
	if l := bob.list(); len(l) != 1 || l[0].OpenedBy != "signup" || l[0].Currency != "USD" {
		t.Fatalf("bob's accounts %+v", l)
	}
	w.counters(bob.id, 1, 1)
}

// find is the account id of list.
func find(t *testing.T, list []account, id string) account {
	t.Helper()
	for _, a := range list {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no account %s in %+v", id, list)
	return account{}
}

// publishedFor counts the publishes to topic of letters about accountID
// ("": about any account).
func publishedFor(srv *snstest.Server, topic, accountID string) int {
	n := 0
	for _, p := range srv.Requests() {
		var l letter
		if p.TopicArn == topic && json.Unmarshal([]byte(p.Message), &l) == nil &&
			l.Kind == "activation_letter" && (accountID == "" || l.Data["account_id"] == accountID) {
			n++
		}
	}
	return n
}
