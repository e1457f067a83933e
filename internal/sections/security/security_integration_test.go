package security_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/snstest"
)

const (
	securityPath     = "/admin/config/security"
	registrationPath = "/admin/config/registration"
)

func setup(t *testing.T) (*apptest.Env, apptest.Section, apptest.Section) {
	env := apptest.New(t)
	h := env.Handler("security")
	return env, apptest.Section{H: h, Path: securityPath}, apptest.Section{H: h, Path: registrationPath}
}

func TestDefaultsBeforeFirstSave(t *testing.T) {
	_, sec, reg := setup(t)
	res := sec.Get(t).Expect(t, 200)
	want := `{"mandatory_tfa":false,"tfa_operations":[],"max_failed_logins":5,"lockout_minutes":15,"absolute_session_hours":12,` +
		`"sms":{"sender_id":"","origination_number":"","otp_ttl_seconds":300,"otp_max_attempts":5,"resend_cooldown_seconds":60,"max_sends_per_hour":5},"version":0}`
	if got := strings.TrimSpace(string(res.Body)); got != want || res.Header.Get("ETag") != `"0"` {
		t.Fatalf("security defaults:\n got %s (ETag %s)\nwant %s", got, res.Header.Get("ETag"), want)
	}
	res = reg.Get(t).Expect(t, 200)
	want = `{"confirmation":"none","activation_letter":false,"default_client_type":"personal","version":0}`
	if got := strings.TrimSpace(string(res.Body)); got != want {
		t.Fatalf("registration defaults:\n got %s\nwant %s", got, want)
	}
}

func TestSecurityLeftOutAndNullFieldsTakeDefaults(t *testing.T) {
	_, sec, _ := setup(t)
	body := map[string]any{
		"mandatory_tfa": true, "tfa_operations": []string{"withdraw", "login", "withdraw"},
		"max_failed_logins": nil, "sms": map[string]any{"otp_ttl_seconds": 120, "max_sends_per_hour": nil},
	}
	doc := sec.Put(t, body, `"0"`).Expect(t, 200).Map(t)
	if fmt.Sprint(doc["tfa_operations"]) != "[login withdraw]" || doc["max_failed_logins"] != 5.0 || doc["lockout_minutes"] != 15.0 {
		t.Fatalf("saved %v", doc)
	}
	s := doc["sms"].(map[string]any)
	if s["otp_ttl_seconds"] != 120.0 || s["max_sends_per_hour"] != 5.0 || s["otp_max_attempts"] != 5.0 || s["sender_id"] != "" {
		t.Fatalf("sms %v", s)
	}
	if again := sec.Get(t).Expect(t, 200).Map(t); fmt.Sprint(again["tfa_operations"]) != "[login withdraw]" || again["version"] != 1.0 {
		t.Fatalf("stored %v", again)
	}
}

func TestSecurityAcceptsEveryOperationAndTheLimitsOfEachRange(t *testing.T) {
	_, sec, _ := setup(t)
	all := []string{"login", "deposit", "withdraw", "transfer", "prop_challenge_fee", "trading_competition_fee", "change_password", "update_email"}
	lows := map[string]any{
		"mandatory_tfa": true, "tfa_operations": all, "max_failed_logins": 1, "lockout_minutes": 1, "absolute_session_hours": 1,
		"sms": map[string]any{"sender_id": "A", "origination_number": "+18005550100", "otp_ttl_seconds": 60,
			"otp_max_attempts": 1, "resend_cooldown_seconds": 0, "max_sends_per_hour": 1},
	}
	doc := sec.Put(t, lows, `"0"`).Expect(t, 200).Map(t)
	if fmt.Sprint(doc["tfa_operations"]) != fmt.Sprint(all) {
		t.Fatalf("operations %v", doc["tfa_operations"])
	}
	highs := map[string]any{
		"max_failed_logins": 100, "lockout_minutes": 1440, "absolute_session_hours": 720,
		"sms": map[string]any{"sender_id": "Brand123456", "otp_ttl_seconds": 600, "otp_max_attempts": 10,
			"resend_cooldown_seconds": 3600, "max_sends_per_hour": 100},
	}
	sec.Put(t, highs, `"1"`).Expect(t, 200)
}

func TestValidationNamesEachBadField(t *testing.T) {
	sms := func(m map[string]any) map[string]any { return map[string]any{"sms": m} }
	cases := []struct {
		name   string
		path   string
		body   map[string]any
		fields []string
	}{
		{"unknown operation", securityPath, map[string]any{"tfa_operations": []string{"login", "teleport"}}, []string{"tfa_operations"}},
		{"failed logins 0", securityPath, map[string]any{"max_failed_logins": 0}, []string{"max_failed_logins"}},
		{"lockout 0", securityPath, map[string]any{"lockout_minutes": 0}, []string{"lockout_minutes"}},
		{"absolute session 0", securityPath, map[string]any{"absolute_session_hours": 0}, []string{"absolute_session_hours"}},
		{"absolute session above 720", securityPath, map[string]any{"absolute_session_hours": 721}, []string{"absolute_session_hours"}},
		{"ttl below 60", securityPath, sms(map[string]any{"otp_ttl_seconds": 59}), []string{"sms.otp_ttl_seconds"}},
		{"ttl above 600", securityPath, sms(map[string]any{"otp_ttl_seconds": 601}), []string{"sms.otp_ttl_seconds"}},
		{"attempts 0", securityPath, sms(map[string]any{"otp_max_attempts": 0}), []string{"sms.otp_max_attempts"}},
		{"attempts 11", securityPath, sms(map[string]any{"otp_max_attempts": 11}), []string{"sms.otp_max_attempts"}},
		{"cooldown negative", securityPath, sms(map[string]any{"resend_cooldown_seconds": -1}), []string{"sms.resend_cooldown_seconds"}},
		{"sends per hour 0", securityPath, sms(map[string]any{"max_sends_per_hour": 0}), []string{"sms.max_sends_per_hour"}},
		{"sender id too long", securityPath, sms(map[string]any{"sender_id": "ABCDEFGHIJKL"}), []string{"sms.sender_id"}},
		{"sender id with a space", securityPath, sms(map[string]any{"sender_id": "My Brand"}), []string{"sms.sender_id"}},
		{"origination not E.164", securityPath, sms(map[string]any{"origination_number": "0800 555 0100"}), []string{"sms.origination_number"}},
		{"several at once", securityPath, map[string]any{"lockout_minutes": 0, "sms": map[string]any{"otp_ttl_seconds": 30, "sender_id": "Too-Long-Sender"}},
			[]string{"lockout_minutes", "sms.sender_id", "sms.otp_ttl_seconds"}},
		{"unknown confirmation", registrationPath, map[string]any{"confirmation": "carrier_pigeon"}, []string{"confirmation"}},
		{"unknown client type", registrationPath, map[string]any{"default_client_type": "alien"}, []string{"default_client_type"}},
		{"both", registrationPath, map[string]any{"confirmation": "sms", "default_client_type": "corporate"}, []string{"confirmation", "default_client_type"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, sec, reg := setup(t)
			s, section := sec, "security"
			if c.path == registrationPath {
				s, section = reg, "registration"
			}
			p := s.Put(t, c.body, `"0"`).ExpectProblem(t, 422, "validation_failed")
			if got := apptest.FieldErrors(t, p); fmt.Sprint(got) != fmt.Sprint(c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
			if v := s.Get(t).Expect(t, 200).Map(t)["version"]; v != 0.0 {
				t.Fatalf("version after a rejected PUT = %v", v)
			}
			if n := len(env.AuditEntries(section)); n != 0 {
				t.Fatalf("a rejected PUT left %d audit entries", n)
			}
		})
	}
}

func TestMalformedBodiesAre400(t *testing.T) {
	cases := map[string]struct{ path, body string }{
		"operations not a list":   {securityPath, `{"tfa_operations":"login"}`},
		"mandatory not a boolean": {securityPath, `{"mandatory_tfa":"yes"}`},
		"unknown sms field":       {securityPath, `{"sms":{"provider":"twilio"}}`},
		"fraction":                {securityPath, `{"lockout_minutes":1.5}`},
		"unknown field":           {registrationPath, `{"confirmation":"none","captcha":true}`},
		"letter not a boolean":    {registrationPath, `{"activation_letter":1}`},
		"malformed":               {registrationPath, `{"confirmation":`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, sec, _ := setup(t)
			sec.Path = c.path
			sec.Put(t, c.body, `"0"`).ExpectProblem(t, 400, "bad_request")
		})
	}
}

func TestOptimisticConcurrencyAndAudit(t *testing.T) {
	for _, section := range []string{"security", "registration"} {
		t.Run(section, func(t *testing.T) {
			env, sec, reg := setup(t)
			s := map[string]apptest.Section{"security": sec, "registration": reg}[section]
			body := func(i int) any {
				if section == "security" {
					return map[string]any{"lockout_minutes": 10 + i}
				}
				return map[string]any{"confirmation": []string{"none", "email", "phone", "email_and_phone"}[i%4],
					"activation_letter": i%2 == 0}
			}
			s.Put(t, body(0), "").ExpectProblem(t, 428, "precondition_required")
			s.Put(t, body(0), `"3"`).ExpectProblem(t, 412, "version_conflict")
			first := s.Put(t, body(0), `"0"`).Expect(t, 200)
			if first.Header.Get("ETag") != `"1"` {
				t.Fatalf("ETag %s", first.Header.Get("ETag"))
			}
			// A GET's answer can be sent back as it is, with its version.
			doc := s.Get(t).Expect(t, 200).Map(t)
			s.Put(t, doc, "").Expect(t, 200)
			s.Put(t, doc, "").ExpectProblem(t, 412, "version_conflict")

			env.Clock.Advance(time.Minute)
			winner := s.RaceWriters(t, 10, `"2"`, body)
			stored := s.Get(t).Expect(t, 200).Map(t)
			if stored["version"] != 3.0 {
				t.Fatalf("version %v, want 3", stored["version"])
			}
			entries := env.AuditEntries(section)
			if len(entries) != 3 {
				t.Fatalf("%d audit entries, want 3 (one per successful write)", len(entries))
			}
			newest := entries[0]
			if newest.Version != 3 || newest.Actor != "dev-admin" || newest.Section != section || !newest.At.Equal(env.Clock.Now()) {
				t.Fatalf("newest audit entry %+v", newest)
			}
			want := body(winner).(map[string]any)
			for k, v := range want {
				if fmt.Sprint(newest.After[k]) != fmt.Sprint(v) || fmt.Sprint(stored[k]) != fmt.Sprint(v) {
					t.Fatalf("%s: stored %v, audit after %v, want the winner's %v", k, stored[k], newest.After[k], v)
				}
			}
		})
	}
}

func TestAdminOnly(t *testing.T) {
	_, sec, _ := setup(t)
	for _, r := range []apptest.Request{
		{Method: "GET", Path: securityPath}, {Method: "PUT", Path: registrationPath, Body: "{}"},
		{Method: "POST", Path: securityPath + "/test-sms", Body: `{"phone":"+4915112345678"}`},
		{Method: "POST", Path: securityPath + "/test-sms/verify", Body: `{"challenge_id":"x","code":"123456"}`, Token: "not-the-admin"},
	} {
		apptest.Do(t, sec.H, r).ExpectProblem(t, 401, "unauthenticated")
	}
}

var codeInText = regexp.MustCompile(`\b([0-9]{6})\b`)

// The admin test SMS goes through the OTP engine with the saved settings.
func TestTestSMSUsesTheSavedSettings(t *testing.T) {
	env, sec, _ := setup(t)
	srv := snstest.New(t)
	env.Deps.Config.SNSEndpoint = srv.URL // SMS go to SNS, here a local one
	env.Deps.AWS.RetryMaxAttempts = 1     // its failure below fails once, fast
	h := env.Handler("security")
	sec.H = h
	sec.Put(t, map[string]any{"sms": map[string]any{"sender_id": "Brand", "origination_number": "+18005550100",
		"otp_ttl_seconds": 120, "otp_max_attempts": 2, "resend_cooldown_seconds": 30}}, `"0"`).Expect(t, 200)

	send := func(phone string) *apptest.Response {
		return apptest.Do(t, h, apptest.Request{Method: "POST", Path: securityPath + "/test-sms", Token: apptest.AdminToken,
			Body: map[string]any{"phone": phone, "language": "fr"}})
	}
	verify := func(id, code string) *apptest.Response {
		return apptest.Do(t, h, apptest.Request{Method: "POST", Path: securityPath + "/test-sms/verify", Token: apptest.AdminToken,
			Body: map[string]any{"challenge_id": id, "code": code}})
	}
	ch := send("+49 151 12345678").Expect(t, 202).Map(t)
	now := env.Clock.Now()
	if ch["expires_at"] != now.Add(2*time.Minute).Format(time.RFC3339) || ch["resend_after"] != now.Add(30*time.Second).Format(time.RFC3339) ||
		ch["sent_to"] != "+49*********78" {
		t.Fatalf("challenge %v", ch)
	}
	p := srv.Requests()[0]
	if p.PhoneNumber != "+4915112345678" || p.Attributes["AWS.SNS.SMS.SenderID"].StringValue != "Brand" ||
		p.Attributes["AWS.MM.SMS.OriginationNumber"].StringValue != "+18005550100" ||
		p.Attributes["AWS.SNS.SMS.SMSType"].StringValue != "Transactional" || !strings.HasPrefix(p.Message, "Votre code") {
		t.Fatalf("published %+v", p)
	}
	res := send("+4915112345678")
	res.ExpectProblem(t, 429, "rate_limited")
	if res.Header.Get("Retry-After") != "30" {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	send("12345").ExpectProblem(t, 422, "invalid_phone")

	code := codeInText.FindStringSubmatch(p.Message)[1]
	id := ch["challenge_id"].(string)
	wrongCode := code[:5] + string('0'+(code[5]-'0'+1)%10) // another last digit
	verify(id, wrongCode).ExpectProblem(t, 400, "otp_invalid")
	verify(id, "12345").ExpectProblem(t, 400, "otp_invalid")
	verify(id, code).Expect(t, 200)
	verify(id, code).ExpectProblem(t, 400, "otp_invalid") // single use

	// SNS down: 503, and nothing usable is left.
	env.Clock.Advance(time.Minute)
	srv.Fail(true)
	send("+4915112345678").ExpectProblem(t, 503, "sms_unavailable")
	failed := srv.Requests()[len(srv.Requests())-1]
	if failed.PhoneNumber != "+4915112345678" {
		t.Fatalf("failed publish %+v", failed)
	}
	if challenges := len(env.ItemsOfType("otp")); challenges != 1 {
		t.Fatalf("%d challenges stored, want only the first (the failed send stores none)", challenges)
	}
}
