package me_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/callcount"
)

// counted returns the me and auth functions' handlers with their AWS
// calls (and their authorizer's) recorded by rec.
func (w *world) counted() (me, auth http.Handler, rec *callcount.Recorder) {
	rec = callcount.New(false)
	w.env.Deps.AWS = rec.Instrument(w.env.Deps.AWS, "test")
	return w.env.Handler("me"), w.env.Handler("auth"), rec
}

func touches(c callcount.Call, prefix string) bool {
	return slices.ContainsFunc(c.Partitions, func(p string) bool { return strings.HasPrefix(p, prefix) })
}

// ownCalls are calls without the session authorizer's (its BatchGetItem
// of the session and the configuration's two sections).
func ownCalls(calls []callcount.Call) []callcount.Call {
	return slices.DeleteFunc(calls, func(c callcount.Call) bool {
		return c.Operation == "BatchGetItem" && touches(c, "SESSION#")
	})
}

// Bad input is answered before anything is read: an unknown operation,
// a language that names none. A language that exists but is not enabled
// costs the configuration's Query, not the profile's read. The answers are
// the same 422s.
func TestBadInputCostsNoRead(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	me, _, rec := w.counted()
	do := func(method, path string, body any) *apptest.Response {
		return apptest.Do(t, me, apptest.Request{Method: method, Path: path, Body: body, Token: ann.token})
	}
	for _, c := range []struct {
		method, path string
		body         map[string]any
		field        string
		calls        string
	}{
		{"POST", "/me/tfa/challenges", map[string]any{"operation": "fly"}, "operation", "none"},
		{"POST", "/me/tfa/challenges", map[string]any{}, "operation", "none"},
		{"PATCH", "/me", map[string]any{"language": "no such language"}, "language", "none"},
		{"PATCH", "/me", map[string]any{"language": ""}, "language", "none"},
		{"PATCH", "/me", map[string]any{"language": "fr"}, "language", "dynamodb:Query ×1"},
	} {
		rec.Take()
		do(c.method, c.path, c.body).ExpectInvalid(t, "validation_failed", c.field)
		if got := callcount.Summary(ownCalls(rec.Take())); got != c.calls {
			t.Errorf("%s %s %v: %s, want %s", c.method, c.path, c.body, got, c.calls)
		}
	}
	p := do("PATCH", "/me", map[string]any{"language": "EN"}).Expect(t, 200).Map(t)
	if p["language"] != "en" || p["email"] != "ann@example.com" {
		t.Fatalf("profile %v", p)
	}
	if got := callcount.Summary(ownCalls(rec.Take())); got != "dynamodb:GetItem ×1, dynamodb:Query ×1, dynamodb:UpdateItem ×1" {
		t.Fatalf("a valid PATCH: %s", got)
	}
}

// Ending a session reads nothing; another client's session is not found,
// exactly as an unknown one, and lives on; concurrent ends of one session
// end it once.
func TestEndingSessions(t *testing.T) {
	w := newWorld(t)
	ann, bob := w.signup("ann@example.com"), w.signup("bob@example.com")
	second := ann.login()["session"].(map[string]any)["token"].(string)
	sessions := func(c *client, token string) []any {
		return w.do(w.me, "GET", "/me/sessions", nil, token).Expect(t, 200).Map(t)["items"].([]any)
	}
	bobs := sessions(bob, bob.token)[0].(map[string]any)["id"].(string)
	unknown := ann.do("DELETE", "/me/sessions/AAAAAAAAAAAAAAAAAAAAAA", nil).ExpectProblem(t, 404, "not_found")
	other := ann.do("DELETE", "/me/sessions/"+bobs, nil).ExpectProblem(t, 404, "not_found")
	if unknown["detail"] != other["detail"] {
		t.Fatalf("another client's session answers %v, an unknown one %v", other, unknown)
	}
	if len(sessions(bob, bob.token)) != 1 {
		t.Fatal("bob's session is gone")
	}

	var ids []string
	for _, s := range sessions(ann, ann.token) {
		if s.(map[string]any)["current"] == false {
			ids = append(ids, s.(map[string]any)["id"].(string))
		}
	}
	me, _, rec := w.counted()
	answers := apptest.Concurrently(4, func(int) *apptest.Response {
		return apptest.Do(t, me, apptest.Request{Method: http.MethodDelete, Path: "/me/sessions/" + ids[0], Token: ann.token})
	})
	ended := 0
	for _, res := range answers {
		if res.Status == 204 {
			ended++
			continue
		}
		res.ExpectProblem(t, 404, "not_found")
	}
	if ended != 1 || len(ids) != 1 {
		t.Fatalf("%d of the concurrent ends succeeded (want 1); %d other sessions", ended, len(ids))
	}
	for _, c := range ownCalls(rec.Take()) {
		if c.Operation != "TransactWriteItems" {
			t.Fatalf("ending a session made %v", c)
		}
	}
	w.do(w.me, "GET", "/me", nil, second).ExpectProblem(t, 401, "unauthenticated")
	if len(sessions(ann, ann.token)) != 1 {
		t.Fatal("ann's current session is gone")
	}
}

// An address change writes the link's token and the pending address in
// one transaction. Of concurrent changes, only the link of the address
// left pending confirms, once; its confirmation answers the changed
// profile without reading it again.
func TestEmailChangeLinks(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	me, auth, rec := w.counted()
	addresses := []string{"one@example.com", "two@example.com", "three@example.com"}
	for _, res := range apptest.Concurrently(len(addresses), func(i int) *apptest.Response {
		return apptest.Do(t, me, apptest.Request{Method: http.MethodPost, Path: "/me/email", Token: ann.token,
			Body: map[string]any{"email": addresses[i]}})
	}) {
		res.Expect(t, 202)
	}
	together := 0
	for _, c := range ownCalls(rec.Take()) {
		switch {
		case (c.Operation == "PutItem" || c.Operation == "UpdateItem") && (touches(c, "TOKEN#") || touches(c, "CLIENT#")):
			t.Fatalf("a write outside the transaction: %v", c)
		case c.Operation == "TransactWriteItems" && touches(c, "TOKEN#") && touches(c, "CLIENT#"):
			together++
		}
	}
	if together != len(addresses) {
		t.Fatalf("%d transactions of a token and the profile, want %d", together, len(addresses))
	}
	pending := ann.do("GET", "/me", nil).Expect(t, 200).Map(t)["pending_email"]
	tokens := map[string]string{}
	for _, m := range w.env.Deps.Outbox.List() {
		if slices.Contains(addresses, m.To) {
			tokens[m.To] = apptest.TokenOf(t, m.Message)
		}
	}
	if len(tokens) != len(addresses) || len(w.env.ItemsOfType("token")) != len(addresses) {
		t.Fatalf("%d links sent, %d tokens stored", len(tokens), len(w.env.ItemsOfType("token")))
	}
	for _, a := range addresses {
		if a == pending {
			continue
		}
		w.do(auth, "POST", "/auth/confirm-email", map[string]any{"token": tokens[a]}, "").ExpectProblem(t, 400, "token_invalid")
	}
	rec.Take()
	res := w.do(auth, "POST", "/auth/confirm-email", map[string]any{"token": tokens[pending.(string)]}, "").Expect(t, 200).Map(t)
	want := map[string]any{"status": "confirmed", "confirmation": map[string]any{"email": "confirmed", "phone": "not_required"}}
	if !equalJSON(res, want) {
		t.Fatalf("confirm-email answered %v, want %v", res, want)
	}
	reads := 0
	for _, c := range rec.Take() {
		if c.Operation == "GetItem" && touches(c, "CLIENT#") {
			reads++
		}
	}
	if reads != 1 {
		t.Fatalf("the profile was read %d times, want once (before the transaction)", reads)
	}
	if p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t); p["email"] != pending || p["pending_email"] != nil {
		t.Fatalf("profile %v", p)
	}
	w.do(auth, "POST", "/auth/confirm-email", map[string]any{"token": tokens[pending.(string)]}, "").ExpectProblem(t, 400, "token_invalid")
}

// equalJSON compares two decoded answers (fmt prints maps sorted by key).
func equalJSON(a, b map[string]any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
