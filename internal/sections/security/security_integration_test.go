package security_test

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
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

func TestDefaultsBeforeFirstSave(t *testing.T) {
	c := apptest.New(t).Admin("security")
	res := c.Get(securityPath).Expect(t, 200)
	want := `{"mandatory_tfa":false,"tfa_operations":[],"max_failed_logins":5,"lockout_minutes":15,"absolute_session_hours":12,` +
		`"sms":{"sender_id":"","origination_number":"","otp_ttl_seconds":300,"otp_max_attempts":5,"resend_cooldown_seconds":60,"max_sends_per_hour":5,` +
		`"max_sends_per_day":10,"subject_sends_per_hour":10,"subject_sends_per_day":20,"ip_sends_per_hour":20,"stack_sends_per_hour":200,` +
		`"allowed_countries":[],"max_price_usd":null,"max_failed_codes":10,"failed_codes_window_minutes":15,` +
		`"test_sms_per_hour":5,"test_sms_per_day":20},"version":0}`
	if got := strings.TrimSpace(string(res.Body)); got != want || res.Header.Get("ETag") != `"0"` {
		t.Fatalf("security defaults:\n got %s (ETag %s)\nwant %s", got, res.Header.Get("ETag"), want)
	}
	res = c.Get(registrationPath).Expect(t, 200)
	want = `{"confirmation":"none","activation_letter":false,"default_client_type":"personal","version":0}`
	if got := strings.TrimSpace(string(res.Body)); got != want {
		t.Fatalf("registration defaults:\n got %s\nwant %s", got, want)
	}
}

func TestSecurityLeftOutAndNullFieldsTakeDefaults(t *testing.T) {
	c := apptest.New(t).Admin("security")
	body := map[string]any{
		"mandatory_tfa": true, "tfa_operations": []string{"withdraw", "login", "withdraw"},
		"max_failed_logins": nil, "sms": map[string]any{"otp_ttl_seconds": 120, "max_sends_per_hour": nil},
	}
	doc := c.Put(securityPath, body, `"0"`).Expect(t, 200).Map(t)
	if fmt.Sprint(doc["tfa_operations"]) != "[login withdraw]" || doc["max_failed_logins"] != 5.0 || doc["lockout_minutes"] != 15.0 {
		t.Fatalf("saved %v", doc)
	}
	s := doc["sms"].(map[string]any)
	if s["otp_ttl_seconds"] != 120.0 || s["max_sends_per_hour"] != 5.0 || s["otp_max_attempts"] != 5.0 || s["sender_id"] != "" {
		t.Fatalf("sms %v", s)
	}
	if again := c.Get(securityPath).Expect(t, 200).Map(t); fmt.Sprint(again["tfa_operations"]) != "[login withdraw]" || again["version"] != 1.0 {
		t.Fatalf("stored %v", again)
	}
}

// The rules themselves are unit-tested (rules_test.go); over HTTP, a
// rejected document of either section is a 422 naming every bad field,
// and nothing is written.
func TestInvalidDocumentIs422AndWritesNothing(t *testing.T) {
	cases := []struct {
		section string
		body    map[string]any
		fields  []string
	}{
		{"security", map[string]any{"lockout_minutes": 0, "sms": map[string]any{"otp_ttl_seconds": 30, "sender_id": "Too-Long-Sender"}},
			[]string{"lockout_minutes", "sms.sender_id", "sms.otp_ttl_seconds"}},
		{"registration", map[string]any{"confirmation": "sms", "default_client_type": "corporate"},
			[]string{"confirmation", "default_client_type"}},
	}
	for _, tc := range cases {
		t.Run(tc.section, func(t *testing.T) {
			c := apptest.New(t).Admin("security")
			path := "/admin/config/" + tc.section
			c.Put(path, tc.body, `"0"`).ExpectInvalid(t, "validation_failed", tc.fields...)
			if v := c.Get(path).Expect(t, 200).Map(t)["version"]; v != 0.0 {
				t.Fatalf("version after a rejected PUT = %v", v)
			}
			if n := len(c.Audit(tc.section)); n != 0 {
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
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			apptest.New(t).Admin("security").Put(tc.path, tc.body, `"0"`).ExpectProblem(t, 400, "bad_request")
		})
	}
}

func TestOptimisticConcurrencyAndAudit(t *testing.T) {
	for _, section := range []string{"security", "registration"} {
		t.Run(section, func(t *testing.T) {
			env := apptest.New(t)
			c := env.Admin("security")
			path := "/admin/config/" + section
			body := func(i int) any {
				if section == "security" {
					return map[string]any{"lockout_minutes": 10 + i}
				}
				return map[string]any{"confirmation": []string{"none", "email", "phone", "email_and_phone"}[i%4],
					"activation_letter": i%2 == 0}
			}
			c.Put(path, body(0), "").ExpectProblem(t, 428, "precondition_required")
			c.Put(path, body(0), `"3"`).ExpectProblem(t, 412, "version_conflict")
			first := c.Put(path, body(0), `"0"`).Expect(t, 200)
			if first.Header.Get("ETag") != `"1"` {
				t.Fatalf("ETag %s", first.Header.Get("ETag"))
			}
			// A GET's answer can be sent back as it is, with its version.
			doc := c.Get(path).Expect(t, 200).Map(t)
			c.Put(path, doc, "").Expect(t, 200)
			c.Put(path, doc, "").ExpectProblem(t, 412, "version_conflict")

			env.Clock.Advance(time.Minute)
			raced := env.Clock.Now()
			winner := c.RaceWriters(path, 10, `"2"`, body)
			stored := c.Get(path).Expect(t, 200).Map(t)
			if stored["version"] != 3.0 {
				t.Fatalf("version %v, want 3", stored["version"])
			}
			entries := c.Audit(section)
			if len(entries) != 3 {
				t.Fatalf("%d audit entries, want 3 (one per successful write)", len(entries))
			}
			newest := entries[0]
			if newest.Version != 3 || newest.Actor != "dev-admin" || newest.Section != section || !newest.At.Equal(raced) {
				t.Fatalf("newest audit entry %+v (want at %v)", newest, raced)
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
	c := apptest.New(t).Admin("security")
	for _, r := range []apptest.Request{
		{Method: "GET", Path: securityPath}, {Method: "PUT", Path: registrationPath, Body: "{}"},
		{Method: "POST", Path: securityPath + "/test-sms", Body: `{"phone":"+4915112345678"}`},
		{Method: "POST", Path: securityPath + "/test-sms/verify", Body: `{"challenge_id":"x","code":"123456"}`, Token: "not-the-admin"},
	} {
		c.Send(r).ExpectProblem(t, 401, "unauthenticated")
	}
}

var codeInText = regexp.MustCompile(`\b([0-9]{6})\b`)

// The admin test SMS goes through the OTP engine with the saved settings.
func TestTestSMSUsesTheSavedSettings(t *testing.T) {
	env := apptest.New(t)
	srv := snstest.New(t)
	env.Deps.Config.SNSEndpoint = srv.URL // SMS go to SNS, here a local one
	env.Deps.AWS.RetryMaxAttempts = 1     // its failure below fails once, fast
	c := env.Admin("security")
	c.Put(securityPath, map[string]any{"sms": map[string]any{"sender_id": "Brand", "origination_number": "+18005550100",
		"otp_ttl_seconds": 120, "otp_max_attempts": 2, "resend_cooldown_seconds": 30}}, `"0"`).Expect(t, 200)

	send := func(phone string) *apptest.Response {
		return c.Do("POST", securityPath+"/test-sms", map[string]any{"phone": phone, "language": "fr"}, "")
	}
	verify := func(id, code string) *apptest.Response {
		return c.Do("POST", securityPath+"/test-sms/verify", map[string]any{"challenge_id": id, "code": code}, "")
	}
	sent := env.Clock.Now()
	ch := send("+49 151 12345678").Expect(t, 202).Map(t)
	if ch["expires_at"] != sent.Add(2*time.Minute).Format(time.RFC3339) || ch["resend_after"] != sent.Add(30*time.Second).Format(time.RFC3339) ||
		ch["sent_to"] != "+49*********78" {
		t.Fatalf("challenge %v", ch)
	}
	p := srv.Requests()[0]
	if p.PhoneNumber != "+4915112345678" || p.Attributes["AWS.SNS.SMS.SenderID"].StringValue != "Brand" ||
		p.Attributes["AWS.MM.SMS.OriginationNumber"].StringValue != "+18005550100" ||
		p.Attributes["AWS.SNS.SMS.SMSType"].StringValue != "Transactional" || !strings.HasPrefix(p.Message, "Votre code") {
		t.Fatalf("published %+v", p)
	}
	// Retry-After is what is left of the cooldown, in whole seconds rounded up.
	left := strconv.Itoa(int(math.Ceil(sent.Add(30 * time.Second).Sub(env.Clock.Now()).Seconds())))
	res := send("+4915112345678")
	res.ExpectProblem(t, 429, "rate_limited")
	if res.Header.Get("Retry-After") != left {
		t.Fatalf("Retry-After %q, want %s", res.Header.Get("Retry-After"), left)
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
