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

	"clientarea/internal/testsupport/apptest"
)

func withGerman(t *testing.T, c *apptest.Client) {
	t.Helper()
	body := kyc1()
	body["properties"] = []string{"tax_id", "iban"}
	body["translations"] = map[string]any{
		"en": map[string]any{"title": "Basic", "description": "Identity checked", "fields": map[string]string{"tax_id": "Tax number", "iban": "IBAN"}},
		"fr": map[string]any{"title": "Base", "description": "Identité vérifiée", "fields": map[string]string{"tax_id": "Numéro fiscal"}},
	}
	c.Do("POST", levels, body, "").Expect(t, 201)
}

func TestCloneCopiesOneLanguageAndKeepsTheOthers(t *testing.T) {
	c := setup(t)
	withGerman(t, c)
	level := c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de"}, "").Expect(t, 200).Map(t)
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
	c.Do("PUT", levels+"/kyc1", body, `"2"`).Expect(t, 200)

	c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 409, "translation_exists")
	over := c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de", "overwrite": true}, `"3"`).Expect(t, 200).Map(t)
	if got := translations(t, over)["de"].(map[string]any)["title"]; got != "Changed" {
		t.Fatalf("overwritten de title %v", got)
	}
	if translations(t, over)["fr"].(map[string]any)["title"] != "Base" {
		t.Fatalf("fr changed: %v", over)
	}

	c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "es", "overwrite": true}, `"3"`).ExpectProblem(t, 412, "version_conflict")
	c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "it", "to": "es"}, "").ExpectProblem(t, 422, "translation_missing")
	p := c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "klingon"}, "").ExpectProblem(t, 422, "validation_failed")
	if fieldList(t, p) != "[to]" {
		t.Fatalf("problem %v", p)
	}
	c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "en"}, "").ExpectProblem(t, 422, "validation_failed")
	c.Do("POST", levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de", "extra": 1}, "").ExpectProblem(t, 400, "bad_request")
	c.Do("POST", levels+"/nope/clone", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 404, "not_found")
	if n := len(c.Audit("verification-levels")); n != 4 {
		t.Fatalf("%d audit entries, want 4 (create, clone, put, clone)", n)
	}
}

func TestTranslateWithoutATranslatorIs503(t *testing.T) {
	c := setup(t)
	withGerman(t, c)
	c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 503, "translation_unavailable")
	// An unknown level is not found, whether or not translation is configured.
	c.Do("POST", levels+"/nope/translate", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 404, "not_found")
}

// fakeTranslate speaks Amazon Translate's JSON protocol and records what
// the SDK sent.
type fakeTranslate struct {
	mu       sync.Mutex
	requests []translateRequest
	fail     string // an error type to answer with instead
	during   func() // when set, runs once while the first text is being translated
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
	during := f.during
	f.during = nil
	f.mu.Unlock()
	if during != nil {
		during()
	}
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

// whileTranslating makes fn run once, while the next text is translated.
func (f *fakeTranslate) whileTranslating(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.during = fn
}

// withTranslator wires the verification function the way a cold start does
// when TRANSLATE_ENDPOINT is set, against a fake Translate.
func withTranslator(t *testing.T) (*apptest.Client, *fakeTranslate) {
	fake := &fakeTranslate{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c := setup(t)
	cfg := &c.Env.Deps.Config
	cfg.TranslateEndpoint, cfg.TranslateEnabled = srv.URL, true
	c.H = c.Env.Handler("verification")
	return c, fake
}

func TestTranslateCallsAmazonTranslateAndKeepsOtherLanguages(t *testing.T) {
	c, fake := withTranslator(t)
	withGerman(t, c)
	level := c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "pt-br"}, `"1"`).Expect(t, 200).Map(t)

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
	again := c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "fr", "to": "pt-BR"}, "").Expect(t, 200).Map(t)
	if got := translations(t, again)["pt-BR"].(map[string]any); got["title"] != "[pt] Base" || fmt.Sprint(got["fields"]) != "map[tax_id:[pt] Numéro fiscal]" {
		t.Fatalf("retranslated %v", got)
	}
	if n := len(c.Audit("verification-levels")); n != 3 {
		t.Fatalf("%d audit entries, want 3", n)
	}
}

func TestTranslateFailures(t *testing.T) {
	c, fake := withTranslator(t)
	withGerman(t, c)
	c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "de", "to": "it"}, "").ExpectProblem(t, 422, "translation_missing")
	fake.fail = "UnsupportedLanguagePairException"
	c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "yo"}, "").ExpectProblem(t, 422, "unsupported_language_pair")
	fake.fail = "ServiceUnavailableException"
	p := c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "it"}, "").ExpectProblem(t, 503, "translation_failed")
	if strings.Contains(fmt.Sprint(p), "ServiceUnavailable") {
		t.Fatalf("SDK error text leaked: %v", p)
	}
	if v := c.Do("GET", levels+"/kyc1", nil, "").Expect(t, 200).Map(t)["version"]; v != 1.0 {
		t.Fatalf("failed translations changed the level (version %v)", v)
	}
}

// Amazon Translate is paid per character: a request translates each text
// once, before the optimistic-concurrency retry. A write that lands while
// the texts are being translated is kept when it touched another language,
// and makes the request 412 (not a second translation) when it changed the
// texts being translated.
func TestTranslateCallsTranslateOncePerRequest(t *testing.T) {
	c, fake := withTranslator(t)
	withGerman(t, c)
	level := c.Get(levels+"/kyc1").Expect(t, 200).Map(t)
	put := func(change func(tr map[string]any)) {
		body := c.Get(levels+"/kyc1").Expect(t, 200).Map(t)
		change(translations(t, body))
		c.Put(levels+"/kyc1", body, "").Expect(t, 200)
	}

	fake.whileTranslating(func() { put(func(tr map[string]any) { tr["fr"].(map[string]any)["title"] = "Base modifiée" }) })
	got := c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "it"}, "").Expect(t, 200).Map(t)
	tr := translations(t, got)
	if tr["fr"].(map[string]any)["title"] != "Base modifiée" || tr["it"].(map[string]any)["title"] != "[it] Basic" || got["version"] != level["version"].(float64)+2 {
		t.Fatalf("after a concurrent write: %v", got)
	}
	if len(fake.requests) != 4 {
		t.Fatalf("%d Translate calls for 4 texts", len(fake.requests))
	}

	fake.whileTranslating(func() { put(func(tr map[string]any) { tr["en"].(map[string]any)["title"] = "Changed" }) })
	c.Do("POST", levels+"/kyc1/translate", map[string]any{"from": "en", "to": "es"}, "").ExpectProblem(t, 412, "version_conflict")
	if len(fake.requests) != 8 {
		t.Fatalf("%d Translate calls for 8 texts: the changed source was translated again", len(fake.requests))
	}
	if _, ok := translations(t, c.Get(levels+"/kyc1").Expect(t, 200).Map(t))["es"]; ok {
		t.Fatal("a translation of superseded texts was saved")
	}
}
