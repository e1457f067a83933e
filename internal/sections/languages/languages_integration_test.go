package languages_test

import (
	"fmt"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const (
	path = "/admin/config/languages"
	// withWarnings is the section's GET that asks for its warnings (a
	// plain GET answers the section alone).
	withWarnings = path + "?include=warnings"
)

func TestLanguagesDefaults(t *testing.T) {
	c := apptest.New(t).Admin("languages")
	got := string(c.Get(withWarnings).Expect(t, 200).Body)
	if want := `{"active":[{"code":"en","enabled":true}],"default":"en","version":0,"warnings":[]}` + "\n"; got != want {
		t.Fatalf("defaults %s, want %s", got, want)
	}
	// A plain GET is the section alone; include names only warnings.
	for _, p := range []string{path, path + "?include="} {
		if got, want := string(c.Get(p).Expect(t, 200).Body), `{"active":[{"code":"en","enabled":true}],"default":"en","version":0}`+"\n"; got != want {
			t.Fatalf("GET %s: %s, want %s", p, got, want)
		}
	}
	for _, bad := range []string{"unranked", "warnings,", "warnings,x"} {
		c.Get(path+"?include="+bad).ExpectInvalid(t, "validation_failed", "include")
	}
}

func TestAvailableLanguagesSearch(t *testing.T) {
	c := apptest.New(t).Admin("languages")
	search := func(q string) []any {
		return c.Get("/admin/languages/available?q="+q).Expect(t, 200).Map(t)["items"].([]any)
	}
	first := search("ger")[0].(map[string]any)
	if fmt.Sprint(first) != "map[code:de name:German native_name:Deutsch]" {
		t.Fatalf("?q=ger first %v", first)
	}
	if got := search("Deutsch")[0].(map[string]any)["code"]; got != "de" {
		t.Fatalf("?q=Deutsch first %v", got)
	}
	if got := search("PT-br")[0].(map[string]any)["code"]; got != "pt-BR" {
		t.Fatalf("?q=PT-br first %v", got)
	}
	if all := search(""); len(all) < 150 {
		t.Fatalf("only %d available languages", len(all))
	}
	c.Anonymous("GET", "/admin/languages/available", nil).ExpectProblem(t, 401, "unauthenticated")
}

// The rules themselves are unit-tested (rules_test.go); over HTTP, one
// answer names every bad field, and codes are stored canonically.
func TestLanguagesOverHTTP(t *testing.T) {
	c := apptest.New(t).Admin("languages")
	c.Put(path, map[string]any{
		"active":  []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "xx"}, map[string]any{"code": "EN"}},
		"default": "de",
	}, `"0"`).ExpectInvalid(t, "validation_failed", "active[1].code", "active[2].code", "default")
	if v := c.Get(path).Expect(t, 200).Map(t)["version"]; v != 0.0 {
		t.Fatalf("version after a rejected PUT = %v", v)
	}
	c.Put(path, map[string]any{"active": "en"}, `"0"`).ExpectProblem(t, 400, "bad_request")
	c.Put(path, map[string]any{}, "").ExpectProblem(t, 428, "precondition_required")

	// Active but disabled languages are fine; codes are spelled canonically.
	saved := c.Put(path, map[string]any{
		"active":  []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "pt-br", "enabled": true}, map[string]any{"code": "ja"}},
		"default": "PT-BR",
	}, `"0"`).Expect(t, 200).Map(t)
	if fmt.Sprint(saved["active"]) != "[map[code:en enabled:true] map[code:pt-BR enabled:true] map[code:ja enabled:false]]" || saved["default"] != "pt-BR" {
		t.Fatalf("saved %v", saved)
	}
	c.Put(path, saved, "").Expect(t, 200) // a PUT answer, warnings and all, can be sent back
}

func TestEnablingALanguageWarnsAboutMissingTranslations(t *testing.T) {
	env := apptest.New(t)
	c, verification := env.Admin("languages"), env.Admin("verification")
	verification.Do("POST", "/admin/verification-levels", map[string]any{
		"label": "kyc1", "type": "personal", "properties": []string{"tax_id", "iban"},
		"translations": map[string]any{
			"en": map[string]any{"title": "Basic", "description": "Identity", "fields": map[string]string{"tax_id": "Tax number", "iban": "IBAN"}},
			"de": map[string]any{"title": "Basis", "fields": map[string]string{"tax_id": "Steuernummer"}},
		},
	}, "").Expect(t, 201)
	verification.Do("POST", "/admin/statuses", map[string]any{
		"label": "Approved", "text": map[string]string{"en": "Approved", "de": "Genehmigt"},
	}, "").Expect(t, 201)

	res := c.Put(path, map[string]any{
		"active":  []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de", "enabled": true}, map[string]any{"code": "fr"}},
		"default": "en",
	}, `"0"`).Expect(t, 200).Map(t)
	var got []string
	for _, w := range res["warnings"].([]any) {
		w := w.(map[string]any)
		got = append(got, fmt.Sprintf("%s %s %s %v", w["language"], w["kind"], w["label"], w["missing"]))
		if w["message"] == "" {
			t.Fatalf("warning without a message: %v", w)
		}
	}
	// en is complete except the built-in Init, which says only "Init" in en;
	// de lacks the level's description and IBAN caption, and Init's text;
	// fr is not enabled, so it is not reported.
	want := "[de level kyc1 [description fields.iban] de status Init [text]]"
	if fmt.Sprint(got) != want {
		t.Fatalf("warnings %v\nwant %s", got, want)
	}
	if res["version"] != 1.0 {
		t.Fatalf("the PUT is saved despite warnings: %v", res)
	}
	// An admin opening the section later sees the same gaps.
	if again := c.Get(withWarnings).Expect(t, 200).Map(t); fmt.Sprint(again["warnings"]) != fmt.Sprint(res["warnings"]) {
		t.Fatalf("GET warnings %v, PUT warnings %v", again["warnings"], res["warnings"])
	}
	// Nothing missing: an empty list.
	res = c.Put(path, map[string]any{}, `"1"`).Expect(t, 200).Map(t)
	if fmt.Sprint(res["warnings"]) != "[]" {
		t.Fatalf("warnings %v, want []", res["warnings"])
	}
}

// warningsOf prints an answer's warnings, one "language kind label
// [missing]" each, in the answer's order.
func warningsOf(t *testing.T, answer map[string]any) []string {
	t.Helper()
	var got []string
	for _, w := range answer["warnings"].([]any) {
		w := w.(map[string]any)
		got = append(got, fmt.Sprintf("%s %s %s %v", w["language"], w["kind"], w["label"], w["missing"]))
	}
	return got
}

// The warnings, read with the section in one Query, name every gap of
// every enabled language: levels with and without texts and custom
// fields, statuses with and without texts, in the order of the enabled
// languages, levels before statuses, each by label. A PUT's warnings are
// its saved document's; a GET sees the levels and statuses as they are now.
func TestWarningsNameEveryGapOfEveryEnabledLanguage(t *testing.T) {
	env := apptest.New(t)
	c, verification := env.Admin("languages"), env.Admin("verification")
	level := func(label string, properties []string, translations map[string]any) {
		t.Helper()
		verification.Do("POST", "/admin/verification-levels", map[string]any{
			"label": label, "type": "personal", "properties": properties, "translations": translations,
		}, "").Expect(t, 201)
	}
	fields := func(captions ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(captions); i += 2 {
			m[captions[i]] = captions[i+1]
		}
		return m
	}
	// Complete in en and pt-BR; de lacks the description and one caption.
	level("Full", []string{"tax_id", "iban"}, map[string]any{
		"en":    map[string]any{"title": "Full", "description": "All checked", "fields": fields("tax_id", "Tax number", "iban", "IBAN")},
		"pt-BR": map[string]any{"title": "Completo", "description": "Tudo", "fields": fields("tax_id", "CPF", "iban", "IBAN")},
		"de":    map[string]any{"title": "Voll", "fields": fields("tax_id", "Steuernummer")},
	})
	// No description anywhere, so none is missing; no custom fields.
	level("basic", nil, map[string]any{"en": map[string]any{"title": "Basic"}, "pt-BR": map[string]any{"title": "Básico"}})
	// No texts at all: every enabled language lacks its title and captions.
	level("bare", []string{"company"}, nil)
	verification.Do("POST", "/admin/statuses", map[string]any{"label": "Approved", "text": map[string]string{"en": "Approved", "de": "Genehmigt", "pt-BR": "Aprovado"}}, "").Expect(t, 201)
	verification.Do("POST", "/admin/statuses", map[string]any{"label": "Review", "text": map[string]string{"en": "In review"}}, "").Expect(t, 201)
	verification.Do("POST", "/admin/statuses", map[string]any{"label": "Silent"}, "").Expect(t, 201)

	saved := c.Put(path, map[string]any{
		"active": []any{map[string]any{"code": "pt-BR", "enabled": true}, map[string]any{"code": "en", "enabled": true},
			map[string]any{"code": "fr"}, map[string]any{"code": "de", "enabled": true}},
		"default": "en",
	}, `"0"`).Expect(t, 200).Map(t)
	want := []string{
		"pt-BR level bare [title fields.company]",
		"pt-BR status Init [text]",
		"pt-BR status Review [text]",
		"pt-BR status Silent [text]",
		"en level bare [title fields.company]",
		"en status Silent [text]",
		"de level bare [title fields.company]",
		"de level basic [title]",
		"de level Full [description fields.iban]",
		"de status Init [text]",
		"de status Review [text]",
		"de status Silent [text]",
	}
	// Levels and statuses come by key (the lower-cased label): bare, basic, full.
	if got := warningsOf(t, saved); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("PUT warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := warningsOf(t, c.Get(withWarnings).Expect(t, 200).Map(t)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("GET warnings %v, PUT's %v", got, want)
	}

	// The texts filled in elsewhere: the next GET no longer names them.
	verification.Do("PUT", "/admin/statuses/Silent", map[string]any{"text": map[string]string{"en": "Silent", "de": "Still", "pt-BR": "Silencioso"}}, `"1"`).Expect(t, 200)
	verification.Do("DELETE", "/admin/verification-levels/bare", nil, `"1"`).Expect(t, 204)
	got := warningsOf(t, c.Get(withWarnings).Expect(t, 200).Map(t))
	if want := "[pt-BR status Init [text] pt-BR status Review [text] de level basic [title] de level Full [description fields.iban] de status Init [text] de status Review [text]]"; fmt.Sprint(got) != want {
		t.Fatalf("GET warnings after the changes %v\nwant %s", got, want)
	}

	// A PUT that disables German answers for what it saved: no de warnings.
	saved = c.Put(path, map[string]any{
		"active":  []any{map[string]any{"code": "pt-BR", "enabled": true}, map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de"}},
		"default": "en",
	}, `"1"`).Expect(t, 200).Map(t)
	if got := fmt.Sprint(warningsOf(t, saved)); got != "[pt-BR status Init [text] pt-BR status Review [text]]" || saved["version"] != 2.0 {
		t.Fatalf("PUT warnings %s, version %v", got, saved["version"])
	}
}
