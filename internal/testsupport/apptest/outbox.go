package apptest

import (
	"encoding/json"
	"regexp"
	"testing"
)

// Configure saves a configuration section through function fn's admin
// route, whatever its version.
func (e *Env) Configure(fn, section string, body any) {
	e.t.Helper()
	admin := e.Admin(fn)
	path := "/admin/config/" + section
	version := admin.Get(path).Expect(e.t, 200).Header.Get("ETag")
	admin.Put(path, body, version).Expect(e.t, 200)
}

// SixDigits finds a code in an SMS text.
var SixDigits = regexp.MustCompile(`\b([0-9]{6})\b`)

// LastCode is the code of the newest SMS to number in the outbox.
func (e *Env) LastCode(number string) string {
	e.t.Helper()
	for _, m := range e.Deps.Outbox.List() {
		if m.Channel == "sms" && m.To == number {
			return SixDigits.FindStringSubmatch(m.Message)[1]
		}
	}
	e.t.Fatalf("no SMS to %s in the outbox", number)
	return ""
}

// LastToken is the token of the newest notification event of kind to
// email in the outbox.
func (e *Env) LastToken(email, kind string) string {
	e.t.Helper()
	for _, m := range e.Deps.Outbox.List() {
		if m.Channel == "email" && m.To == email && m.Kind == kind {
			return TokenOf(e.t, m.Message)
		}
	}
	e.t.Fatalf("no %s email to %s in the outbox", kind, email)
	return ""
}

// TokenOf is the token a notification event carries.
func TokenOf(t testing.TB, event string) string {
	t.Helper()
	var ev struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal([]byte(event), &ev); err != nil {
		t.Fatal(err)
	}
	return ev.Data["token"]
}
