package verification_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func withGerman(t *testing.T, c *client) {
	t.Helper()
	body := kyc1()
	body["properties"] = []string{"tax_id", "iban"}
	body["translations"] = map[string]any{
		"en": map[string]any{"title": "Basic", "description": "Identity checked", "fields": map[string]string{"tax_id": "Tax number", "iban": "IBAN"}},
		"fr": map[string]any{"title": "Base", "description": "Identité vérifiée", "fields": map[string]string{"tax_id": "Numéro fiscal"}},
	}
	c.do("POST", levels, body, "").Expect(t, 201)
}

func TestCloneCopiesOneLanguageAndKeepsTheOthers(t *testing.T) {
	c := setup(t)
	withGerman(t, c)
	level := c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de"}, "").Expect(t, 200).Map(t)
	tr := translations(t, level)
	if fmt.Sprint(tr["de"]) != fmt.Sprint(tr["en"]) || level["version"] != 2.0 {
		t.Fatalf("de %v, want a copy of en %v (version %v)", tr["de"], tr["en"], level["version"])
	}
	if tr["fr"].(map[string]any)["title"] != "Base" || len(tr) != 3 {
		t.Fatalf("other languages changed: %v", tr)
	}
	// The copy is independent of its source.
	body := kyc1()
	body["properties"] = []string{"tax_id", "iban"}
	body["translations"] = map[string]any{"en": map[string]any{"title": "Changed"}, "de": tr["de"], "fr": tr["fr"]}
	c.do("PUT", levels+"/kyc1", body, `"2"`).Expect(t, 200)

	c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 409, "translation_exists")
	over := c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de", "overwrite": true}, `"3"`).Expect(t, 200).Map(t)
	if got := translations(t, over)["de"].(map[string]any)["title"]; got != "Changed" {
		t.Fatalf("overwritten de title %v", got)
	}
	if translations(t, over)["fr"].(map[string]any)["title"] != "Base" {
		t.Fatalf("fr changed: %v", over)
	}

	c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "es", "overwrite": true}, `"3"`).ExpectProblem(t, 412, "version_conflict")
	c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "it", "to": "es"}, "").ExpectProblem(t, 422, "translation_missing")
	p := c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "klingon"}, "").ExpectProblem(t, 422, "validation_failed")
	if fieldList(t, p) != "[to]" {
		t.Fatalf("problem %v", p)
	}
	c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "en"}, "").ExpectProblem(t, 422, "validation_failed")
	c.do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de", "extra": 1}, "").ExpectProblem(t, 400, "bad_request")
	c.do("POST", levels+"/nope/clone", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 404, "not_found")
	if n := len(c.env.AuditEntries("verification-levels")); n != 4 {
		t.Fatalf("%d audit entries, want 4 (create, clone, put, clone)", n)
	}
}

func TestTranslateWithoutATranslatorIs503(t *testing.T) {
	c := setup(t)
	withGerman(t, c)
	c.do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 503, "translation_unavailable")
}

// fakeTranslate speaks Amazon Translate's JSON protocol and records what
// the SDK sent.
type fakeTranslate struct {
	mu       sync.Mutex
	requests []translateRequest
	fail     string // an error type to answer with instead
}

type translateRequest struct {
	Target, ContentType, Auth string
	Body                      struct{ Text, SourceLanguageCode, TargetLanguageCode string }
}

func (f *fakeTranslate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req translateRequest
	req.Target, req.ContentType, req.Auth = r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"), r.Header.Get("Authorization")
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &req.Body)
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.fail != "" {
		w.Header().Set("X-Amzn-ErrorType", f.fail)
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"__type":%q,"message":"no"}`, f.fail)
		return
	}
	b := req.Body
	json.NewEncoder(w).Encode(map[string]string{
		"TranslatedText": "[" + b.TargetLanguageCode + "] " + b.Text, "SourceLanguageCode": b.SourceLanguageCode, "TargetLanguageCode": b.TargetLanguageCode,
	})
}

// withTranslator wires the verification function the way a cold start does
// when TRANSLATE_ENDPOINT is set, against a fake Translate.
func withTranslator(t *testing.T) (*client, *fakeTranslate) {
	fake := &fakeTranslate{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c := setup(t)
	cfg := &c.env.Deps.Config
	cfg.TranslateEndpoint, cfg.TranslateEnabled = srv.URL, true
	c.h = c.env.Handler("verification")
	return c, fake
}

func TestTranslateCallsAmazonTranslateAndKeepsOtherLanguages(t *testing.T) {
	c, fake := withTranslator(t)
	withGerman(t, c)
	level := c.do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "pt-br"}, `"1"`).Expect(t, 200).Map(t)

	tr := translations(t, level)
	want := map[string]any{"title": "[pt] Basic", "description": "[pt] Identity checked",
		"fields": map[string]any{"iban": "[pt] IBAN", "tax_id": "[pt] Tax number"}}
	if fmt.Sprint(tr["pt-BR"]) != fmt.Sprint(want) {
		t.Fatalf("pt-BR = %v\nwant %v", tr["pt-BR"], want)
	}
	if tr["fr"].(map[string]any)["title"] != "Base" || tr["en"].(map[string]any)["title"] != "Basic" || len(tr) != 3 {
		t.Fatalf("other languages changed: %v", tr)
	}
	if level["version"] != 2.0 {
		t.Fatalf("version %v", level["version"])
	}

	// What the SDK sent: one signed TranslateText call per text, with
	// Amazon's code for Brazilian Portuguese.
	if len(fake.requests) != 4 {
		t.Fatalf("%d Translate calls, want 4", len(fake.requests))
	}
	var texts []string
	for _, r := range fake.requests {
		if r.Target != "AWSShineFrontendService_20170701.TranslateText" || r.ContentType != "application/x-amz-json-1.1" ||
			!strings.HasPrefix(r.Auth, "AWS4-HMAC-SHA256") || r.Body.SourceLanguageCode != "en" || r.Body.TargetLanguageCode != "pt" {
			t.Fatalf("request %+v", r)
		}
		texts = append(texts, r.Body.Text)
	}
	if fmt.Sprint(texts) != "[Basic Identity checked IBAN Tax number]" {
		t.Fatalf("texts sent %v", texts)
	}
	// Translating again replaces the translation (the admin asked for it).
	again := c.do("POST", levels+"/kyc1/translate", map[string]any{"from": "fr", "to": "pt-BR"}, "").Expect(t, 200).Map(t)
	if got := translations(t, again)["pt-BR"].(map[string]any); got["title"] != "[pt] Base" || fmt.Sprint(got["fields"]) != "map[tax_id:[pt] Numéro fiscal]" {
		t.Fatalf("retranslated %v", got)
	}
	if n := len(c.env.AuditEntries("verification-levels")); n != 3 {
		t.Fatalf("%d audit entries, want 3", n)
	}
}

func TestTranslateFailures(t *testing.T) {
	c, fake := withTranslator(t)
	withGerman(t, c)
	c.do("POST", levels+"/kyc1/translate", map[string]any{"from": "de", "to": "it"}, "").ExpectProblem(t, 422, "translation_missing")
	fake.fail = "UnsupportedLanguagePairException"
	c.do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "yo"}, "").ExpectProblem(t, 422, "unsupported_language_pair")
	fake.fail = "ServiceUnavailableException"
	p := c.do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "it"}, "").ExpectProblem(t, 503, "translation_failed")
	if strings.Contains(fmt.Sprint(p), "ServiceUnavailable") {
		t.Fatalf("SDK error text leaked: %v", p)
	}
	if v := c.do("GET", levels+"/kyc1", nil, "").Expect(t, 200).Map(t)["version"]; v != 1.0 {
		t.Fatalf("failed translations changed the level (version %v)", v)
	}
}
