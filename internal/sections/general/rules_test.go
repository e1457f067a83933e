package general

import (
	"strings"
	"testing"
	"time"

	"clientarea/internal/testsupport/ruletest"
)

// defaults is the document every left-out field leads to.
const defaults = `{"clients":{"max_accounts":0,"activate_account_on_create":true,"demo_account":false,
	"personal_manager":false,"exchange_tfa":false,"withdrawal_tfa":false},
	"security":{"session_minutes":60,"refresh_session_minutes":120}}`

// defaultsWith is the default document with some of its text replaced
// (old, new pairs).
func defaultsWith(oldnew ...string) string { return strings.NewReplacer(oldnew...).Replace(defaults) }

// withSecurity is the default document with other session numbers.
func withSecurity(session, refresh string) string {
	return defaultsWith(`"session_minutes":60,"refresh_session_minutes":120`,
		`"session_minutes":`+session+`,"refresh_session_minutes":`+refresh)
}

func TestRules(t *testing.T) {
	ruletest.Run(t, (*Config).Normalize, Config.Validate, []ruletest.Case{
		// Left-out and null fields take their defaults.
		{Name: "empty document", In: `{}`, Want: defaults},
		{Name: "null blocks", In: `{"clients":null,"security":null}`, Want: defaults},
		{Name: "null fields", In: `{"clients":{"activate_account_on_create":null},
			"security":{"session_minutes":null,"refresh_session_minutes":null}}`, Want: defaults},
		{Name: "activation off is kept", In: `{"clients":{"activate_account_on_create":false,"demo_account":true,"withdrawal_tfa":true}}`,
			Want: defaultsWith(`"activate_account_on_create":true`, `"activate_account_on_create":false`,
				`"demo_account":false`, `"demo_account":true`, `"withdrawal_tfa":false`, `"withdrawal_tfa":true`)},
		{Name: "blank refresh is twice the session", In: `{"security":{"session_minutes":45}}`, Want: withSecurity("45", "90")},
		{Name: "blank refresh twice the session reaches a week exactly", In: `{"security":{"session_minutes":5040}}`,
			Want: withSecurity("5040", "10080")},
		{Name: "blank refresh is capped at a week", In: `{"security":{"session_minutes":6000}}`, Want: withSecurity("6000", "10080")},
		{Name: "blank session with a refresh", In: `{"security":{"refresh_session_minutes":200}}`, Want: withSecurity("60", "200")},

		// Boundaries, exactly.
		{Name: "max accounts 0 means no limit", In: `{"clients":{"max_accounts":0}}`, Want: defaults},
		{Name: "max accounts 1000", In: `{"clients":{"max_accounts":1000}}`,
			Want: defaultsWith(`"max_accounts":0`, `"max_accounts":1000`)},
		{Name: "session 1", In: `{"security":{"session_minutes":1}}`, Want: withSecurity("1", "2")},
		{Name: "session and refresh a week", In: `{"security":{"session_minutes":10080,"refresh_session_minutes":10080}}`,
			Want: withSecurity("10080", "10080")},
		{Name: "refresh equal to the session", In: `{"security":{"session_minutes":30,"refresh_session_minutes":30}}`,
			Want: withSecurity("30", "30")},

		// One beyond, and every field error.
		{Name: "max accounts -1", In: `{"clients":{"max_accounts":-1}}`, Fields: []string{"clients.max_accounts"}},
		{Name: "max accounts 1001", In: `{"clients":{"max_accounts":1001}}`, Fields: []string{"clients.max_accounts"}},
		// A blank refresh then defaults to 1; it is not named as well.
		{Name: "session 0", In: `{"security":{"session_minutes":0}}`, Fields: []string{"security.session_minutes"}},
		{Name: "session negative", In: `{"security":{"session_minutes":-3}}`, Fields: []string{"security.session_minutes"}},
		// A blank refresh is capped at a week, below the session; only the session is named.
		{Name: "session a week and a minute", In: `{"security":{"session_minutes":10081}}`, Fields: []string{"security.session_minutes"}},
		// Out of range and below the session: one field, named once.
		{Name: "refresh 0", In: `{"security":{"refresh_session_minutes":0}}`, Fields: []string{"security.refresh_session_minutes"}},
		{Name: "refresh a week and a minute", In: `{"security":{"refresh_session_minutes":10081}}`,
			Fields: []string{"security.refresh_session_minutes"}},
		{Name: "refresh one below the session", In: `{"security":{"session_minutes":90,"refresh_session_minutes":89}}`,
			Fields: []string{"security.refresh_session_minutes"}},

		// One answer names every bad field.
		{Name: "max accounts and session", In: `{"clients":{"max_accounts":5000},"security":{"session_minutes":-3}}`,
			Fields: []string{"clients.max_accounts", "security.session_minutes"}},
		{Name: "every number", In: `{"clients":{"max_accounts":-1},"security":{"session_minutes":0,"refresh_session_minutes":10081}}`,
			Fields: []string{"clients.max_accounts", "security.session_minutes", "security.refresh_session_minutes"}},
	})
}

func TestRefreshMessages(t *testing.T) {
	cases := []struct{ in, says string }{
		{`{"security":{"session_minutes":90,"refresh_session_minutes":60}}`, "must not be less than security.session_minutes (90)"},
		{`{"security":{"refresh_session_minutes":0}}`, "must be between 1 and 10080; must not be less than security.session_minutes (60)"},
	}
	for _, c := range cases {
		doc := ruletest.Decode[Config](t, c.in)
		doc.Normalize()
		e := ruletest.ExpectFields(t, doc.Validate(), "", "security.refresh_session_minutes")
		if msg := e.Fields[0].Message; msg != c.says {
			t.Errorf("%s: message %q, want %q", c.in, msg, c.says)
		}
	}
}

func TestDefaultDocumentAndItsDurations(t *testing.T) {
	doc := Section().Default()
	ruletest.ExpectJSON(t, doc, defaults)
	if doc.SessionIdle() != time.Hour || doc.RefreshWindow() != 2*time.Hour || !doc.ActivateOnCreate() {
		t.Fatalf("idle %v, refresh %v, activate %v", doc.SessionIdle(), doc.RefreshWindow(), doc.ActivateOnCreate())
	}
}
