package faults_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
)

// translateServer answers TranslateText (AWS JSON 1.1) like Amazon
// Translate: "[<target>] <text>".
func translateServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Text, SourceLanguageCode, TargetLanguageCode string }
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]string{"TranslatedText": "[" + in.TargetLanguageCode + "] " + in.Text,
			"SourceLanguageCode": in.SourceLanguageCode, "TargetLanguageCode": in.TargetLanguageCode})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// serviceFaults are Translate failing a call: retried by the SDK unless no
// answer comes before the deadline.
var serviceFaults = []fault{
	{kind: faults.Throttle, attempts: 3, wait: "2"},
	{kind: faults.ServerError, attempts: 3, wait: "1"},
	{kind: faults.Unavailable, attempts: 3, wait: "1"},
	{kind: faults.ConnectionReset, attempts: 3, wait: "1"},
	{kind: faults.Timeout, attempts: 3, wait: "1"},
	{kind: faults.Hang, attempts: 1, wait: "1"},
}

// A machine translation that Amazon Translate fails is 503
// translation_failed with Retry-After, and the level is as it was; one
// that fails once is translated.
func TestMachineTranslationUnderTranslateFaults(t *testing.T) {
	w := newWorld(t)
	w.env.Deps.Config.TranslateEndpoint, w.env.Deps.Config.TranslateEnabled = translateServer(t), true
	h := w.env.Handler("verification")
	w.do(h, apptest.Admin(http.MethodPost, "/admin/verification-levels", map[string]any{
		"label": "kyc1", "type": "personal", "properties": []string{"tax_id"}, "required_documents": []string{"passport_or_id"},
		"translations": map[string]any{"en": map[string]any{"title": "Basic", "description": "Identity checked", "fields": map[string]string{"tax_id": "Tax number"}}},
	}, "")).Expect(t, http.StatusCreated)
	targets := []string{"fr", "de", "it", "es", "nl", "pl"}
	i := 0
	with(t, w, serviceFaults, func(w *world, f fault) {
		to := targets[i]
		i++
		translate := apptest.Admin(http.MethodPost, "/admin/verification-levels/kyc1/translate", map[string]any{"from": "en", "to": to}, "")
		before := w.do(h, apptest.Admin(http.MethodGet, "/admin/verification-levels/kyc1", nil, "")).Expect(w.t, 200).Map(w.t)["version"]
		entries := len(w.env.AuditEntries("verification-levels"))
		w.plan.Add(faults.Rule{Service: faults.Translate, Operation: "TranslateText", Fault: f.kind})
		expect503(w.t, w.faulted(h, translate), "translation_failed", f.wait)
		w.expectAttempts(faults.Translate, "TranslateText", f.attempts)
		w.plan.Reset()
		level := w.do(h, apptest.Admin(http.MethodGet, "/admin/verification-levels/kyc1", nil, "")).Expect(w.t, 200).Map(w.t)
		if level["version"] != before || len(w.env.AuditEntries("verification-levels")) != entries {
			w.t.Fatalf("a failed translation changed the level: version %v (was %v)", level["version"], before)
		}
		if !retried(f) {
			return
		}
		w.plan.Add(faults.Rule{Service: faults.Translate, Operation: "TranslateText", Fault: f.kind, Attempts: 1})
		level = w.do(h, translate).Expect(w.t, http.StatusOK).Map(w.t)
		tr, _ := level["translations"].(map[string]any)[to].(map[string]any)
		if tr == nil || !strings.HasPrefix(tr["title"].(string), "["+to+"]") {
			w.t.Fatalf("translated level %v", level)
		}
	})
}

// An admin's test SMS that SNS fails is 503 sms_unavailable, stores no
// challenge and records no audit entry of a sent SMS; after the
// Retry-After one goes out and its code verifies.
func TestTestSMSUnderSNSFaults(t *testing.T) {
	w := newWorld(t)
	h := w.env.Handler("security")
	w.security(nil)
	const number = "+4915112345690"
	send := apptest.Admin(http.MethodPost, "/admin/config/security/test-sms", map[string]any{"phone": number, "language": "de"}, "")
	with(t, w, smsFaults, func(w *world, f fault) {
		codes, before, entries := w.count("otp"), len(w.sms(number)), len(w.env.AuditEntries("security-test-sms"))
		w.plan.Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Key: number, Fault: f.kind, AfterSend: f.afterSend})
		expect503(w.t, w.faulted(h, send), "sms_unavailable", f.wait)
		w.expectAttempts(faults.SNS, "Publish", f.attempts)
		w.plan.Reset()
		if got := len(w.sms(number)) - before; got != sent(f) || w.count("otp") != codes || len(w.env.AuditEntries("security-test-sms")) != entries {
			w.t.Fatalf("%d SMS (want %d), %d challenges (were %d), %d audit entries (were %d)", got, sent(f),
				w.count("otp"), codes, len(w.env.AuditEntries("security-test-sms")), entries)
		}
		w.cooldown()
		ch := w.do(h, send).Expect(w.t, http.StatusAccepted).Map(w.t)
		w.do(h, apptest.Admin(http.MethodPost, "/admin/config/security/test-sms/verify",
			map[string]any{"challenge_id": ch["challenge_id"], "code": w.lastCode(number)}, "")).Expect(w.t, http.StatusOK)
		w.cooldown()
	})
}

// An admin's test SMS whose challenge cannot be stored is 503 and leaves
// neither the challenge nor its audit entry: the entry is written in the
// challenge's own transaction (no write of its own), so a code that can
// be verified always has its entry, and one that cannot has none. After
// the Retry-After the next send stores both, once.
func TestTestSMSWhoseChallengeIsNotStored(t *testing.T) {
	w := newWorld(t)
	h := w.env.Handler("security")
	w.security(nil)
	const number = "+4915112345691"
	send := apptest.Admin(http.MethodPost, "/admin/config/security/test-sms", map[string]any{"phone": number}, "")
	with(t, w, transactionFaults, func(w *world, f fault) {
		codes, before, entries := w.count("otp"), len(w.sms(number)), len(w.env.AuditEntries("security-test-sms"))
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Key: "OTP#", Fault: f.kind})
		expect503(w.t, w.faulted(h, send), "unavailable", "60")
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		if n := w.plan.Attempts(faults.DynamoDB, "PutItem"); n != 0 {
			w.t.Fatalf("%d PutItem attempts, want none: the audit entry is in the transaction", n)
		}
		w.plan.Reset()
		if got := len(w.sms(number)) - before; got != 1 || w.count("otp") != codes || len(w.env.AuditEntries("security-test-sms")) != entries {
			w.t.Fatalf("%d SMS (want 1), %d challenges (were %d), %d audit entries (were %d)", got,
				w.count("otp"), codes, len(w.env.AuditEntries("security-test-sms")), entries)
		}
		w.cooldown()
		ch := w.do(h, send).Expect(w.t, http.StatusAccepted).Map(w.t)
		audited := w.env.AuditEntries("security-test-sms")
		if w.count("otp") != codes+1 || len(audited) != entries+1 || audited[0].After["challenge_id"] != ch["challenge_id"] {
			w.t.Fatalf("%d challenges (were %d), audit entries %+v; want one more of each, for %v", w.count("otp"), codes, audited, ch["challenge_id"])
		}
		w.cooldown()
	})
}

// secretsServer answers GetSecretValue (AWS JSON 1.1) like Secrets
// Manager, with the OTP key, counting the reads that reached it.
func secretsServer(t *testing.T, reads *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SecretId string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		reads.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]string{"ARN": in.SecretId, "Name": "OtpKeySecret", "SecretString": apptest.OTPKey})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// coldStart is the security function's cold start as deployed: its key
// read from Secrets Manager (through the plan), its calls its own.
func (w *world) coldStart(ctx context.Context, url string) (http.Handler, error) {
	d := *w.env.Deps
	d.Config.OTPKey = ""
	d.Config.OTPKeySecretARN = apptest.ARN(w.t, "OtpKeySecret")
	d.Config.SecretsManagerEndpoint = url
	d.AWS = faults.FastRetries(w.plan.Apply(apptest.AWS(w.t, "security", d.Config)))
	d.Table.DB = dynamo.NewClient(d.AWS, d.Config.DynamoDBEndpoint)
	return app.Cold(ctx, "security", &d, func(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
		return registry.Build(ctx, "security", d)
	})
}

// Secrets Manager unavailable at cold start: the function starts all the
// same and answers 503 unavailable with Retry-After, reading the key again
// at the first request a second later; once it can, it serves. A secret
// it may not read stops the cold start: the function does not start.
func TestColdStartWithSecretsManagerUnavailable(t *testing.T) {
	w := newWorld(t)
	var reads atomic.Int32
	url := secretsServer(t, &reads)
	get := apptest.Admin(http.MethodGet, "/admin/config/security", nil, "")
	with(t, w, serviceFaults, func(w *world, f fault) {
		reads.Store(0)
		w.plan.Add(faults.Rule{Service: faults.SecretsManager, Operation: "GetSecretValue", Fault: f.kind})
		ctx := context.Background()
		if w.hang { // what Lambda's init phase gives it, at most ColdBuildTimeout
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, hangFor)
			defer cancel()
		}
		h, err := w.coldStart(ctx, url)
		if err != nil {
			w.t.Fatalf("the function did not start: %v", err)
		}
		w.expectAttempts(faults.SecretsManager, "GetSecretValue", f.attempts)
		expect503(w.t, w.faulted(h, get), "unavailable", "1")
		if n := w.plan.Attempts(faults.SecretsManager, "GetSecretValue"); n != f.attempts {
			w.t.Fatalf("read the key again within a second: %d attempts", n)
		}
		w.plan.Reset()
		expect503(w.t, w.do(h, get), "unavailable", "1") // not yet: at most one read a second
		w.env.Clock.Advance(app.RebuildInterval)
		w.do(h, get).Expect(w.t, http.StatusOK)
		w.do(h, get).Expect(w.t, http.StatusOK)
		if reads.Load() != 1 || w.plan.Calls(faults.SecretsManager, "GetSecretValue") != 1 {
			w.t.Fatalf("%d reads of the key reached Secrets Manager, want 1", reads.Load())
		}
	})

	w.plan.Add(faults.Rule{Service: faults.SecretsManager, Operation: "GetSecretValue", Fault: faults.ClientError, Code: "AccessDeniedException"})
	if h, err := w.coldStart(context.Background(), url); err == nil || h != nil {
		t.Fatalf("a secret the function may not read: started (%v)", err)
	}
}
