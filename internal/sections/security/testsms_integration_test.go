package security_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/security"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/logtest"
)

const testSMSPath = securityPath + "/test-sms"

// number is the i-th of a run of German mobile numbers, so that sends to
// them are bounded by the admin's budget and not by a number's cooldown.
func number(i int) string { return fmt.Sprintf("+49151123456%02d", i) }

// An admin sends at most test_sms_per_hour test SMS in any 60 minutes,
// whatever the numbers: the next is 429 rate_limited with Retry-After (the
// time until the first leaves the window), sends nothing and records
// nothing; it is refused up to then and goes through from then. Another
// admin's budget is their own.
func TestTestSMSPerAdminHourlyCap(t *testing.T) {
	env := apptest.New(t)
	c := env.Admin("security")
	c.Put(securityPath, map[string]any{"sms": map[string]any{"test_sms_per_hour": 3, "test_sms_per_day": 10}}, `"0"`).Expect(t, 200)

	send := func(i int) *apptest.Response {
		return c.Do("POST", testSMSPath, map[string]any{"phone": number(i)}, "")
	}
	first := env.Clock.Now()
	for i := range 3 {
		send(i).Expect(t, 202)
	}
	refusedAt := env.Clock.Now()
	refused := send(3)
	refused.ExpectProblem(t, 429, "rate_limited")
	wait := int(math.Ceil(first.Add(time.Hour).Sub(refusedAt).Seconds()))
	if got := refused.Header.Get("Retry-After"); got != strconv.Itoa(wait) {
		t.Fatalf("Retry-After %q, want %d", got, wait)
	}
	if n := len(env.Deps.Outbox.List()); n != 3 {
		t.Fatalf("%d SMS sent, want 3", n)
	}
	if n := len(env.AuditEntries(security.TestSMSAudit)); n != 3 {
		t.Fatalf("%d audit entries, want 3 (none for the refused send)", n)
	}

	asAdmin(t, c, "admin-2", number(4)).Expect(t, 202) // another admin's budget

	env.Clock.Set(refusedAt.Add(time.Duration(wait-1) * time.Second))
	send(5).ExpectProblem(t, 429, "rate_limited")
	env.Clock.Set(refusedAt.Add(time.Duration(wait) * time.Second))
	send(5).Expect(t, 202)
	if n := len(env.AuditEntries(security.TestSMSAudit)); n != 5 {
		t.Fatalf("%d audit entries, want 5", n)
	}
}

// Every test SMS leaves an audit entry in its own trail (who, when, the
// masked number, the challenge's expiry) and the code in none of it; the
// security section's own trail keeps only its changes.
func TestTestSMSIsAudited(t *testing.T) {
	env := apptest.New(t)
	c := env.Admin("security")
	var answers []map[string]any
	var sentAt []time.Time
	for i, send := range []func() *apptest.Response{
		func() *apptest.Response { return c.Do("POST", testSMSPath, map[string]any{"phone": number(0)}, "") },
		func() *apptest.Response { return asAdmin(t, c, "admin-2", "+49 151 123456 01") },
	} {
		sentAt = append(sentAt, env.Clock.Now())
		answers = append(answers, send().Expect(t, 202).Map(t))
		if answers[i]["sent_to"] == "" {
			t.Fatalf("answer %v", answers[i])
		}
	}

	entries := env.AuditEntries(security.TestSMSAudit) // newest first
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2", len(entries))
	}
	for i, actor := range []string{"dev-admin", "admin-2"} {
		e, a := entries[len(entries)-1-i], answers[i]
		if e.Actor != actor || !e.At.Equal(sentAt[i]) || e.Section != security.TestSMSAudit ||
			e.After["to"] != a["sent_to"] || e.After["to"] != logging.MaskPhone(number(i)) ||
			e.After["expires_at"] != a["expires_at"] || e.After["challenge_id"] != a["challenge_id"] ||
			e.After["source_ip"] != "192.0.2.1" {
			t.Fatalf("entry %d: %+v, want %s's send of %v", i, e, actor, a)
		}
	}
	raw, _ := json.Marshal(entries)
	for _, sms := range env.Deps.Outbox.List() {
		code := codeInText.FindStringSubmatch(sms.Message)[1]
		if strings.Contains(string(raw), code) || strings.Contains(string(raw), sms.To[3:len(sms.To)-2]) {
			t.Fatalf("the audit trail holds a code or a number: %s", raw)
		}
	}
	if n := len(env.AuditEntries("security")); n != 0 {
		t.Fatalf("the security section's trail has %d entries, want none (nothing was changed)", n)
	}
}

// The logs of the test SMS say who sent each SMS and to which (masked)
// number, and name the admin, route and address of each refusal; no code
// and no token appears in them.
func TestTestSMSLogs(t *testing.T) {
	env := apptest.New(t)
	c := env.Admin("security")
	logs := logtest.Start(t, slog.LevelInfo)

	ch := c.Do("POST", testSMSPath, map[string]any{"phone": number(0)}, "").Expect(t, 202).Map(t)
	c.Do("POST", testSMSPath, map[string]any{"phone": number(0)}, "").ExpectProblem(t, 429, "rate_limited")
	code := codeInText.FindStringSubmatch(env.Deps.Outbox.List()[0].Message)[1]
	wrong := code[:5] + string('0'+(code[5]-'0'+1)%10)
	c.Do("POST", testSMSPath+"/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": wrong}, "").
		ExpectProblem(t, 400, "otp_invalid")
	c.Do("POST", testSMSPath+"/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": code}, "").Expect(t, 200)
	c.Send(apptest.Request{Method: "POST", Path: testSMSPath, Body: map[string]any{"phone": number(1)}, Token: "stolen-guess"}).
		ExpectProblem(t, 401, "unauthenticated")

	lines := logs()
	sent := withMessage(lines, "sms put in the dev outbox")
	if len(sent) != 1 || sent[0]["triggered_by"] != "dev-admin" || sent[0]["to"] != logging.MaskPhone(number(0)) {
		t.Fatalf("sms lines %v", sent)
	}
	want := []struct {
		level, code, subject, route string
	}{
		{"WARN", "rate_limited", "dev-admin", "POST " + testSMSPath},
		{"INFO", "otp_invalid", "dev-admin", "POST " + testSMSPath + "/verify"},
		{"WARN", "unauthenticated", "", "POST " + testSMSPath},
	}
	rejected := withMessage(lines, "request rejected")
	if len(rejected) != len(want) {
		t.Fatalf("refusals logged: %v", rejected)
	}
	for i, w := range want {
		l := rejected[i]
		if l["level"] != w.level || l["code"] != w.code || l["subject"] != w.subject || l["route"] != w.route || l["source_ip"] != "192.0.2.1" {
			t.Fatalf("refusal %d logged as %v, want %+v from 192.0.2.1", i, l, w)
		}
	}
	raw, _ := json.Marshal(lines)
	for _, secret := range []string{code, wrong, "stolen-guess", apptest.AdminToken, strings.TrimPrefix(number(0), "+")} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("the logs hold %q: %s", secret, raw)
		}
	}
}

// asAdmin sends a test SMS to phone as the admin whose verified JWT has
// subject sub, as API Gateway's authorizer would pass it.
func asAdmin(t *testing.T, c *apptest.Client, sub, phone string) *apptest.Response {
	t.Helper()
	defer c.Env.Clock.Advance(time.Second)
	body, _ := json.Marshal(map[string]any{"phone": phone})
	r := httptest.NewRequest("POST", testSMSPath, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r = r.WithContext(principal.WithClaims(r.Context(), principal.Claims{
		Values: map[string]string{"sub": sub, "cognito:groups": "[client-area-admin]"},
	}))
	rec := httptest.NewRecorder()
	c.H.ServeHTTP(rec, r)
	return &apptest.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

func withMessage(lines []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if l["msg"] == msg {
			out = append(out, l)
		}
	}
	return out
}
