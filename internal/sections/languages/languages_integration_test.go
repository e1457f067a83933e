package languages_test

import (
	"fmt"
	"net/http"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const path = "/admin/config/languages"

func setup(t *testing.T) (*apptest.Env, http.Handler) {
	env := apptest.New(t)
	return env, env.Handler("languages")
}

func TestLanguagesDefaults(t *testing.T) {
	_, h := setup(t)
	got := string(apptest.Do(t, h, apptest.Admin("GET", path, nil, "")).Expect(t, 200).Body)
	if want := `{"active":[{"code":"en","enabled":true}],"default":"en","version":0,"warnings":[]}` + "\n"; got != want {
		t.Fatalf("defaults %s, want %s", got, want)
	}
}

func TestAvailableLanguagesSearch(t *testing.T) {
	_, h := setup(t)
	search := func(q string) []any {
		return apptest.Do(t, h, apptest.Admin("GET", "/admin/languages/available?q="+q, nil, "")).Expect(t, 200).Map(t)["items"].([]any)
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
	apptest.Do(t, h, apptest.Request{Method: "GET", Path: "/admin/languages/available"}).ExpectProblem(t, 401, "unauthenticated")
}

func TestLanguagesRules(t *testing.T) {
	cases := []struct {
		name   string
		body   any
		fields string
	}{
		{"unknown code", map[string]any{"active": []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "xx"}}}, "[active[1].code]"},
		{"listed twice", map[string]any{"active": []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "EN"}}}, "[active[1].code]"},
		{"default not active", map[string]any{"default": "de"}, "[default]"},
		{"default active but not enabled", map[string]any{"active": []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de"}}, "default": "de"}, "[default]"},
		{"no language enabled", map[string]any{"active": []any{map[string]any{"code": "en"}}}, "[default]"},
		{"nothing active", map[string]any{"active": []any{}}, "[default]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, h := setup(t)
			p := apptest.Do(t, h, apptest.Admin("PUT", path, c.body, `"0"`)).ExpectProblem(t, 422, "validation_failed")
			if got := fmt.Sprint(apptest.FieldErrors(t, p)); got != c.fields {
				t.Fatalf("fields %s, want %s", got, c.fields)
			}
		})
	}
	_, h := setup(t)
	apptest.Do(t, h, apptest.Admin("PUT", path, map[string]any{"active": "en"}, `"0"`)).ExpectProblem(t, 400, "bad_request")
	apptest.Do(t, h, apptest.Admin("PUT", path, map[string]any{}, "")).ExpectProblem(t, 428, "precondition_required")

	// Active but disabled languages are fine; codes are spelled canonically.
	saved := apptest.Do(t, h, apptest.Admin("PUT", path, map[string]any{
		"active":  []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "pt-br", "enabled": true}, map[string]any{"code": "ja"}},
		"default": "PT-BR",
	}, `"0"`)).Expect(t, 200).Map(t)
	if fmt.Sprint(saved["active"]) != "[map[code:en enabled:true] map[code:pt-BR enabled:true] map[code:ja enabled:false]]" || saved["default"] != "pt-BR" {
		t.Fatalf("saved %v", saved)
	}
	apptest.Do(t, h, apptest.Admin("PUT", path, saved, "")).Expect(t, 200) // a PUT answer, warnings and all, can be sent back
}

func TestEnablingALanguageWarnsAboutMissingTranslations(t *testing.T) {
	env, h := setup(t)
	verification := env.Handler("verification")
	apptest.Do(t, verification, apptest.Admin("POST", "/admin/verification-levels", map[string]any{
		"label": "kyc1", "type": "personal", "properties": []string{"tax_id", "iban"},
		"translations": map[string]any{
			"en": map[string]any{"title": "Basic", "description": "Identity", "fields": map[string]string{"tax_id": "Tax number", "iban": "IBAN"}},
			"de": map[string]any{"title": "Basis", "fields": map[string]string{"tax_id": "Steuernummer"}},
		},
	}, "")).Expect(t, 201)
	apptest.Do(t, verification, apptest.Admin("POST", "/admin/statuses", map[string]any{
		"label": "Approved", "text": map[string]string{"en": "Approved", "de": "Genehmigt"},
	}, "")).Expect(t, 201)

	res := apptest.Do(t, h, apptest.Admin("PUT", path, map[string]any{
		"active":  []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de", "enabled": true}, map[string]any{"code": "fr"}},
		"default": "en",
	}, `"0"`)).Expect(t, 200).Map(t)
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
	if again := apptest.Do(t, h, apptest.Admin("GET", path, nil, "")).Expect(t, 200).Map(t); fmt.Sprint(again["warnings"]) != fmt.Sprint(res["warnings"]) {
		t.Fatalf("GET warnings %v, PUT warnings %v", again["warnings"], res["warnings"])
	}
	// Nothing missing: an empty list.
	res = apptest.Do(t, h, apptest.Admin("PUT", path, map[string]any{}, `"1"`)).Expect(t, 200).Map(t)
	if fmt.Sprint(res["warnings"]) != "[]" {
		t.Fatalf("warnings %v, want []", res["warnings"])
	}
}
