package security

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"clientarea/internal/otp"
	"clientarea/internal/testsupport/ruletest"
)

// securityDefaults is the Security document every left-out field leads to.
const securityDefaults = `{"mandatory_tfa":false,"tfa_operations":[],"max_failed_logins":5,"lockout_minutes":15,
	"absolute_session_hours":12,"sms":{"sender_id":"","origination_number":"","otp_ttl_seconds":300,
	"otp_max_attempts":5,"resend_cooldown_seconds":60,"max_sends_per_hour":5,"max_sends_per_day":10,
	"subject_sends_per_hour":10,"subject_sends_per_day":20,"ip_sends_per_hour":20,"stack_sends_per_hour":200,
	"allowed_countries":[],"max_price_usd":null,"max_failed_codes":10,"failed_codes_window_minutes":15,
	"test_sms_per_hour":5,"test_sms_per_day":20}}`

// budgetsAt is the sms block's send budgets, each at value, as the sms
// fields of a document.
func budgetsAt(value int) string {
	var fields []string
	for _, name := range []string{"max_sends_per_day", "subject_sends_per_hour", "subject_sends_per_day",
		"ip_sends_per_hour", "stack_sends_per_hour", "test_sms_per_hour", "test_sms_per_day"} {
		fields = append(fields, fmt.Sprintf(`"%s":%d`, name, value))
	}
	return strings.Join(fields, ",")
}

// allOperations are the 2FA operations in display order.
const allOperations = `["login","deposit","withdraw","transfer","prop_challenge_fee","trading_competition_fee","change_password","update_email"]`

// securityWith is the default Security document with some of its text
// replaced (old, new pairs).
func securityWith(oldnew ...string) string {
	return strings.NewReplacer(oldnew...).Replace(securityDefaults)
}

// sms is a Security document of only an sms block.
func sms(fields string) string { return `{"sms":{` + fields + `}}` }

func TestSecurityRules(t *testing.T) {
	ruletest.Run(t, (*Config).Normalize, Config.Validate, []ruletest.Case{
		// Left-out and null fields take their defaults.
		{Name: "empty document", In: `{}`, Want: securityDefaults},
		{Name: "null everywhere", In: `{"tfa_operations":null,"max_failed_logins":null,"lockout_minutes":null,
			"absolute_session_hours":null,"sms":null}`, Want: securityDefaults},
		{Name: "null sms numbers", In: sms(`"otp_ttl_seconds":null,"otp_max_attempts":null,"resend_cooldown_seconds":null,"max_sends_per_hour":null,
			"max_sends_per_day":null,"subject_sends_per_hour":null,"subject_sends_per_day":null,"ip_sends_per_hour":null,
			"stack_sends_per_hour":null,"test_sms_per_hour":null,"test_sms_per_day":null`),
			Want: securityDefaults},
		{Name: "some given, the rest default", In: `{"mandatory_tfa":true,"lockout_minutes":30,"sms":{"otp_ttl_seconds":120,"max_sends_per_hour":null}}`,
			Want: securityWith(`"mandatory_tfa":false`, `"mandatory_tfa":true`, `"lockout_minutes":15`, `"lockout_minutes":30`,
				`"otp_ttl_seconds":300`, `"otp_ttl_seconds":120`)},

		// Operations are listed once each, in display order.
		{Name: "operations once, in display order", In: `{"tfa_operations":["withdraw","login","withdraw"]}`,
			Want: securityWith(`"tfa_operations":[]`, `"tfa_operations":["login","withdraw"]`)},
		{Name: "every operation, reversed", In: `{"tfa_operations":["update_email","change_password","trading_competition_fee",
			"prop_challenge_fee","transfer","withdraw","deposit","login"]}`,
			Want: securityWith(`"tfa_operations":[]`, `"tfa_operations":`+allOperations)},
		{Name: "mandatory 2FA covering nothing", In: `{"mandatory_tfa":true,"tfa_operations":[]}`,
			Want: securityWith(`"mandatory_tfa":false`, `"mandatory_tfa":true`)},

		// Boundaries, exactly.
		{Name: "every lower limit", In: `{"max_failed_logins":1,"lockout_minutes":1,"absolute_session_hours":1,
			"sms":{"sender_id":"A","origination_number":"+12","otp_ttl_seconds":60,"otp_max_attempts":1,"resend_cooldown_seconds":0,
			"max_sends_per_hour":1,` + budgetsAt(1) + `}}`,
			Want: `{"mandatory_tfa":false,"tfa_operations":[],"max_failed_logins":1,"lockout_minutes":1,"absolute_session_hours":1,
				"sms":{"sender_id":"A","origination_number":"+12","otp_ttl_seconds":60,"otp_max_attempts":1,"resend_cooldown_seconds":0,
				"max_sends_per_hour":1,"max_sends_per_day":1,"subject_sends_per_hour":1,"subject_sends_per_day":1,"ip_sends_per_hour":1,
				"stack_sends_per_hour":1,"allowed_countries":[],"max_price_usd":null,"max_failed_codes":10,"failed_codes_window_minutes":15,
				"test_sms_per_hour":1,"test_sms_per_day":1}}`},
		{Name: "every upper limit", In: `{"max_failed_logins":100,"lockout_minutes":1440,"absolute_session_hours":720,
			"sms":{"sender_id":"Brand123456","origination_number":"+123456789012345","otp_ttl_seconds":600,"otp_max_attempts":10,
			"resend_cooldown_seconds":3600,"max_sends_per_hour":100,"max_sends_per_day":1000,"subject_sends_per_hour":100,
			"subject_sends_per_day":1000,"ip_sends_per_hour":10000,"stack_sends_per_hour":100000,"test_sms_per_hour":100,"test_sms_per_day":1000}}`,
			Want: `{"mandatory_tfa":false,"tfa_operations":[],"max_failed_logins":100,"lockout_minutes":1440,"absolute_session_hours":720,
				"sms":{"sender_id":"Brand123456","origination_number":"+123456789012345","otp_ttl_seconds":600,"otp_max_attempts":10,
				"resend_cooldown_seconds":3600,"max_sends_per_hour":100,"max_sends_per_day":1000,"subject_sends_per_hour":100,
				"subject_sends_per_day":1000,"ip_sends_per_hour":10000,"stack_sends_per_hour":100000,"allowed_countries":[],
				"max_price_usd":null,"max_failed_codes":10,"failed_codes_window_minutes":15,"test_sms_per_hour":100,"test_sms_per_day":1000}}`},
		{Name: "budgets given, the rest default", In: sms(`"max_sends_per_day":7,"ip_sends_per_hour":500,"stack_sends_per_hour":5000`),
			Want: securityWith(`"max_sends_per_day":10`, `"max_sends_per_day":7`, `"ip_sends_per_hour":20`, `"ip_sends_per_hour":500`,
				`"stack_sends_per_hour":200`, `"stack_sends_per_hour":5000`)},

		// Operations that are not operations.
		{Name: "unknown operation", In: `{"tfa_operations":["login","teleport"]}`, Fields: []string{"tfa_operations"}},
		{Name: "operations are spelled exactly", In: `{"tfa_operations":["Login"]}`, Fields: []string{"tfa_operations"}},
		{Name: "blank operation", In: `{"tfa_operations":[""]}`, Fields: []string{"tfa_operations"}},
		{Name: "null operation", In: `{"tfa_operations":[null]}`, Fields: []string{"tfa_operations"}},
		{Name: "an unknown operation twice is named once", In: `{"tfa_operations":["teleport","teleport"]}`, Fields: []string{"tfa_operations"}},
		{Name: "two unknown operations, one field", In: `{"tfa_operations":["teleport","login","fly"]}`, Fields: []string{"tfa_operations"}},

		// One beyond each limit.
		{Name: "failed logins 0", In: `{"max_failed_logins":0}`, Fields: []string{"max_failed_logins"}},
		{Name: "failed logins 101", In: `{"max_failed_logins":101}`, Fields: []string{"max_failed_logins"}},
		{Name: "lockout 0", In: `{"lockout_minutes":0}`, Fields: []string{"lockout_minutes"}},
		{Name: "lockout 1441", In: `{"lockout_minutes":1441}`, Fields: []string{"lockout_minutes"}},
		{Name: "absolute session 0", In: `{"absolute_session_hours":0}`, Fields: []string{"absolute_session_hours"}},
		{Name: "absolute session 721", In: `{"absolute_session_hours":721}`, Fields: []string{"absolute_session_hours"}},
		{Name: "ttl 59", In: sms(`"otp_ttl_seconds":59`), Fields: []string{"sms.otp_ttl_seconds"}},
		{Name: "ttl 601", In: sms(`"otp_ttl_seconds":601`), Fields: []string{"sms.otp_ttl_seconds"}},
		{Name: "attempts 0", In: sms(`"otp_max_attempts":0`), Fields: []string{"sms.otp_max_attempts"}},
		{Name: "attempts 11", In: sms(`"otp_max_attempts":11`), Fields: []string{"sms.otp_max_attempts"}},
		{Name: "cooldown -1", In: sms(`"resend_cooldown_seconds":-1`), Fields: []string{"sms.resend_cooldown_seconds"}},
		{Name: "cooldown 3601", In: sms(`"resend_cooldown_seconds":3601`), Fields: []string{"sms.resend_cooldown_seconds"}},
		{Name: "sends per hour 0", In: sms(`"max_sends_per_hour":0`), Fields: []string{"sms.max_sends_per_hour"}},
		{Name: "sends per hour 101", In: sms(`"max_sends_per_hour":101`), Fields: []string{"sms.max_sends_per_hour"}},
		{Name: "sends per day 0", In: sms(`"max_sends_per_day":0`), Fields: []string{"sms.max_sends_per_day"}},
		{Name: "sends per day 1001", In: sms(`"max_sends_per_day":1001`), Fields: []string{"sms.max_sends_per_day"}},
		{Name: "subject per hour 0", In: sms(`"subject_sends_per_hour":0`), Fields: []string{"sms.subject_sends_per_hour"}},
		{Name: "subject per hour 101", In: sms(`"subject_sends_per_hour":101`), Fields: []string{"sms.subject_sends_per_hour"}},
		{Name: "subject per day 0", In: sms(`"subject_sends_per_day":0`), Fields: []string{"sms.subject_sends_per_day"}},
		{Name: "subject per day 1001", In: sms(`"subject_sends_per_day":1001`), Fields: []string{"sms.subject_sends_per_day"}},
		{Name: "address per hour 0", In: sms(`"ip_sends_per_hour":0`), Fields: []string{"sms.ip_sends_per_hour"}},
		{Name: "address per hour 10001", In: sms(`"ip_sends_per_hour":10001`), Fields: []string{"sms.ip_sends_per_hour"}},
		{Name: "stack per hour 0", In: sms(`"stack_sends_per_hour":0`), Fields: []string{"sms.stack_sends_per_hour"}},
		{Name: "stack per hour 100001", In: sms(`"stack_sends_per_hour":100001`), Fields: []string{"sms.stack_sends_per_hour"}},
		{Name: "test SMS per hour 0", In: sms(`"test_sms_per_hour":0`), Fields: []string{"sms.test_sms_per_hour"}},
		{Name: "test SMS per hour 101", In: sms(`"test_sms_per_hour":101`), Fields: []string{"sms.test_sms_per_hour"}},
		{Name: "test SMS per day 0", In: sms(`"test_sms_per_day":0`), Fields: []string{"sms.test_sms_per_day"}},
		{Name: "test SMS per day 1001", In: sms(`"test_sms_per_day":1001`), Fields: []string{"sms.test_sms_per_day"}},
		{Name: "negative budgets", In: sms(budgetsAt(-1)), Fields: []string{"sms.max_sends_per_day", "sms.subject_sends_per_hour",
			"sms.subject_sends_per_day", "sms.ip_sends_per_hour", "sms.stack_sends_per_hour", "sms.test_sms_per_hour", "sms.test_sms_per_day"}},

		// Sender ids and origination numbers.
		{Name: "sender id of 12", In: sms(`"sender_id":"Brand1234567"`), Fields: []string{"sms.sender_id"}},
		{Name: "sender id with a space", In: sms(`"sender_id":"My Brand"`), Fields: []string{"sms.sender_id"}},
		{Name: "sender id with a hyphen", In: sms(`"sender_id":"My-Brand"`), Fields: []string{"sms.sender_id"}},
		{Name: "sender id with a non-ASCII letter", In: sms(`"sender_id":"Bränd"`), Fields: []string{"sms.sender_id"}},
		{Name: "origination in national form", In: sms(`"origination_number":"0800 555 0100"`), Fields: []string{"sms.origination_number"}},
		{Name: "origination with spaces", In: sms(`"origination_number":"+1 800 555 0100"`), Fields: []string{"sms.origination_number"}},
		{Name: "origination starting with 0", In: sms(`"origination_number":"+0123"`), Fields: []string{"sms.origination_number"}},
		{Name: "origination of one digit", In: sms(`"origination_number":"+1"`), Fields: []string{"sms.origination_number"}},
		{Name: "origination of 16 digits", In: sms(`"origination_number":"+1234567890123456"`), Fields: []string{"sms.origination_number"}},

		// One answer names every bad field, in the document's order.
		{Name: "several at once", In: `{"lockout_minutes":0,"sms":{"otp_ttl_seconds":30,"sender_id":"Too-Long-Sender"}}`,
			Fields: []string{"lockout_minutes", "sms.sender_id", "sms.otp_ttl_seconds"}},
		{Name: "every field", In: `{"tfa_operations":["teleport"],"max_failed_logins":0,"lockout_minutes":0,"absolute_session_hours":0,
			"sms":{"sender_id":"?","origination_number":"1","otp_ttl_seconds":0,"otp_max_attempts":0,"resend_cooldown_seconds":-1,"max_sends_per_hour":0}}`,
			Fields: []string{"tfa_operations", "max_failed_logins", "lockout_minutes", "absolute_session_hours", "sms.sender_id",
				"sms.origination_number", "sms.otp_ttl_seconds", "sms.otp_max_attempts", "sms.resend_cooldown_seconds", "sms.max_sends_per_hour"}},
	})
}

// Unknown operations stay, once, after the known ones, for Validate to name.
func TestUnknownOperationsAreKeptAndNamed(t *testing.T) {
	doc := ruletest.Decode[Config](t, `{"tfa_operations":["teleport","withdraw","login","teleport"]}`)
	doc.Normalize()
	if got := fmt.Sprint(doc.TFAOperations); got != "[login withdraw teleport]" {
		t.Fatalf("operations %s", got)
	}
	e := ruletest.ExpectFields(t, doc.Validate(), "", "tfa_operations")
	if msg := e.Fields[0].Message; !strings.Contains(msg, `"teleport"`) || !strings.Contains(msg, "update_email") {
		t.Fatalf("message %q should name the operation and the known ones", msg)
	}
}

func TestSecurityDefaultsAsPolicy(t *testing.T) {
	doc := Section().Default()
	ruletest.ExpectJSON(t, doc, securityDefaults)
	if failures, lasts := doc.Lockout(); failures != 5 || lasts != 15*time.Minute {
		t.Fatalf("lockout %d for %v", failures, lasts)
	}
	if doc.AbsoluteSessionLifetime() != 12*time.Hour {
		t.Fatalf("absolute session %v", doc.AbsoluteSessionLifetime())
	}
	want := otp.Policy{TTL: 5 * time.Minute, MaxAttempts: 5, ResendCooldown: time.Minute, MaxSendsPerHour: 5,
		MaxSendsPerDay: 10, SubjectSendsPerHour: 10, SubjectSendsPerDay: 20, IPSendsPerHour: 20, StackSendsPerHour: 200,
		AllowedCountries: []string{}, MaxFailedCodes: 10, FailedCodesWindow: 15 * time.Minute}
	if got := doc.OTPPolicy(); !reflect.DeepEqual(got, want) {
		t.Fatalf("policy %+v, want %+v", got, want)
	}
	custom := ruletest.Decode[Config](t, sms(`"sender_id":"Brand","origination_number":"+18005550100","otp_ttl_seconds":120`))
	custom.Normalize()
	if p := custom.OTPPolicy(); p.SenderID != "Brand" || p.Origination != "+18005550100" || p.TTL != 2*time.Minute {
		t.Fatalf("policy %+v", p)
	}
}

func TestTFARequired(t *testing.T) {
	cases := []struct {
		doc  string
		op   string
		want bool
	}{
		{`{"mandatory_tfa":true,"tfa_operations":["withdraw"]}`, "withdraw", true},
		{`{"mandatory_tfa":true,"tfa_operations":["withdraw"]}`, "login", false},
		{`{"mandatory_tfa":false,"tfa_operations":["withdraw"]}`, "withdraw", false},
		{`{"mandatory_tfa":true}`, "login", false},
	}
	for _, c := range cases {
		doc := ruletest.Decode[Config](t, c.doc)
		doc.Normalize()
		if got := doc.TFARequired(c.op); got != c.want {
			t.Errorf("%s: TFARequired(%s) = %v, want %v", c.doc, c.op, got, c.want)
		}
	}
}

const registrationDefaults = `{"confirmation":"none","activation_letter":false,"default_client_type":"personal"}`

func TestRegistrationRules(t *testing.T) {
	with := func(oldnew ...string) string { return strings.NewReplacer(oldnew...).Replace(registrationDefaults) }
	ruletest.Run(t, (*Registration).Normalize, Registration.Validate, []ruletest.Case{
		{Name: "empty document", In: `{}`, Want: registrationDefaults},
		{Name: "null fields", In: `{"confirmation":null,"activation_letter":null,"default_client_type":null}`, Want: registrationDefaults},
		{Name: "blank fields", In: `{"confirmation":"","default_client_type":""}`, Want: registrationDefaults},
		{Name: "email", In: `{"confirmation":"email"}`, Want: with(`"none"`, `"email"`)},
		{Name: "phone", In: `{"confirmation":"phone"}`, Want: with(`"none"`, `"phone"`)},
		{Name: "email and phone, letter, business", In: `{"confirmation":"email_and_phone","activation_letter":true,"default_client_type":"business"}`,
			Want: `{"confirmation":"email_and_phone","activation_letter":true,"default_client_type":"business"}`},

		{Name: "unknown confirmation", In: `{"confirmation":"carrier_pigeon"}`, Fields: []string{"confirmation"}},
		{Name: "confirmation spelled exactly", In: `{"confirmation":"EMAIL"}`, Fields: []string{"confirmation"}},
		{Name: "unknown client type", In: `{"default_client_type":"alien"}`, Fields: []string{"default_client_type"}},
		{Name: "client type spelled exactly", In: `{"default_client_type":"Business"}`, Fields: []string{"default_client_type"}},
		{Name: "both", In: `{"confirmation":"sms","default_client_type":"corporate"}`, Fields: []string{"confirmation", "default_client_type"}},
	})
}

func TestWhatASignUpConfirms(t *testing.T) {
	for mode, want := range map[string][2]bool{
		ConfirmNone: {false, false}, ConfirmEmail: {true, false}, ConfirmPhone: {false, true}, ConfirmEmailAndPhone: {true, true},
	} {
		r := Registration{Confirmation: mode}
		if got := [2]bool{r.EmailConfirmation(), r.PhoneConfirmation()}; got != want {
			t.Errorf("%s: email, phone = %v, want %v", mode, got, want)
		}
	}
}

// The list of operations is the one in the documents, and a caller
// changing its copy changes no rule.
func TestTFAOperationsList(t *testing.T) {
	ops := TFAOperations()
	if got := `["` + strings.Join(ops, `","`) + `"]`; got != allOperations {
		t.Fatalf("operations %s", got)
	}
	ops[0] = "teleport"
	doc := ruletest.Decode[Config](t, `{"tfa_operations":["teleport"]}`)
	doc.Normalize()
	ruletest.ExpectFields(t, doc.Validate(), "", "tfa_operations")
}
