package languages_test

import (
	"fmt"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const path = "/admin/config/languages"

func TestLanguagesDefaults(t *testing.T) {
	c := apptest.New(t).Admin("languages")
	got := string(c.Get(path).Expect(t, 200).Body)
	if want := `{"active":[{"code":"en","enabled":true}],"default":"en","version":0,"warnings":[]}` + "\n"; got != want {
		t.Fatalf("defaults %s, want %s", got, want)
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
	if again := c.Get(path).Expect(t, 200).Map(t); fmt.Sprint(again["warnings"]) != fmt.Sprint(res["warnings"]) {
		t.Fatalf("GET warnings %v, PUT warnings %v", again["warnings"], res["warnings"])
	}
	// Nothing missing: an empty list.
	res = c.Put(path, map[string]any{}, `"1"`).Expect(t, 200).Map(t)
	if fmt.Sprint(res["warnings"]) != "[]" {
		t.Fatalf("warnings %v, want []", res["warnings"])
	}
}
