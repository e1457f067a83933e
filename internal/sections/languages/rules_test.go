package languages

import (
	"fmt"
	"testing"

	"clientarea/internal/testsupport/ruletest"
)

const languageDefaults = `{"active":[{"code":"en","enabled":true}],"default":"en"}`

func TestRules(t *testing.T) {
	ruletest.Run(t, (*Config).Normalize, Config.Validate, []ruletest.Case{
		// Left-out and null fields take their defaults.
		{Name: "empty document", In: `{}`, Want: languageDefaults},
		{Name: "null fields", In: `{"active":null,"default":null}`, Want: languageDefaults},
		{Name: "blank default is en", In: `{"active":[{"code":"de","enabled":true},{"code":"en","enabled":true}]}`,
			Want: `{"active":[{"code":"de","enabled":true},{"code":"en","enabled":true}],"default":"en"}`},
		{Name: "left-out enabled is off", In: `{"active":[{"code":"en","enabled":true},{"code":"fr"}]}`,
			Want: `{"active":[{"code":"en","enabled":true},{"code":"fr","enabled":false}],"default":"en"}`},

		// Codes are spelled canonically, in the list and as the default.
		{Name: "canonical spellings", In: `{"active":[{"code":"EN","enabled":true},{"code":"pt-br","enabled":true},{"code":"ES-419"},{"code":"zh-hant"}],"default":"PT-BR"}`,
			Want: `{"active":[{"code":"en","enabled":true},{"code":"pt-BR","enabled":true},{"code":"es-419","enabled":false},{"code":"zh-Hant","enabled":false}],"default":"pt-BR"}`},
		{Name: "an underscore is read as a hyphen", In: `{"active":[{"code":"en","enabled":true},{"code":"pt_br"}]}`,
			Want: `{"active":[{"code":"en","enabled":true},{"code":"pt-BR","enabled":false}],"default":"en"}`},
		{Name: "a default other than en", In: `{"active":[{"code":"de","enabled":true},{"code":"en"}],"default":"de"}`,
			Want: `{"active":[{"code":"de","enabled":true},{"code":"en","enabled":false}],"default":"de"}`},

		// Codes that are not available languages.
		{Name: "unknown code", In: `{"active":[{"code":"en","enabled":true},{"code":"xx"}]}`, Fields: []string{"active[1].code"}},
		{Name: "blank code", In: `{"active":[{"code":"en","enabled":true},{"code":""}]}`, Fields: []string{"active[1].code"}},
		{Name: "surrounding space", In: `{"active":[{"code":"en","enabled":true},{"code":" de"}]}`, Fields: []string{"active[1].code"}},
		{Name: "a region CLDR names only as Language (Region)", In: `{"active":[{"code":"en","enabled":true},{"code":"fr-BE"}]}`,
			Fields: []string{"active[1].code"}},

		// Each language once.
		{Name: "listed twice in another case", In: `{"active":[{"code":"en","enabled":true},{"code":"EN"}]}`, Fields: []string{"active[1].code"}},
		{Name: "listed twice in another spelling", In: `{"active":[{"code":"pt-BR","enabled":true},{"code":"en","enabled":true},{"code":"pt-br"}]}`,
			Fields: []string{"active[2].code"}},

		// The default is an enabled language of active.
		{Name: "default not active", In: `{"default":"de"}`, Fields: []string{"default"}},
		{Name: "default active but not enabled", In: `{"active":[{"code":"en","enabled":true},{"code":"de"}],"default":"de"}`,
			Fields: []string{"default"}},
		{Name: "default unknown", In: `{"default":"xx"}`, Fields: []string{"default"}},
		{Name: "no language enabled", In: `{"active":[{"code":"en"}]}`, Fields: []string{"default"}},
		{Name: "nothing active", In: `{"active":[]}`, Fields: []string{"default"}},
		// A left-out default is en, whatever active lists.
		{Name: "left-out default without en", In: `{"active":[{"code":"de","enabled":true}]}`, Fields: []string{"default"}},

		// One answer names every bad field.
		{Name: "several at once", In: `{"active":[{"code":"en","enabled":true},{"code":"xx","enabled":true},{"code":"En"}],"default":"de"}`,
			Fields: []string{"active[1].code", "active[2].code", "default"}},
	})
}

func TestEnabledLanguages(t *testing.T) {
	doc := ruletest.Decode[Config](t, `{"active":[{"code":"de","enabled":true},{"code":"fr"},{"code":"pt-br","enabled":true}],"default":"de"}`)
	doc.Normalize()
	if got := fmt.Sprint(doc.Enabled()); got != "[de pt-BR]" {
		t.Fatalf("enabled %s", got)
	}
	for code, want := range map[string]bool{"de": true, "pt-BR": true, "pt-br": false, "fr": false, "en": false} {
		if doc.IsEnabled(code) != want {
			t.Errorf("IsEnabled(%q) = %v, want %v", code, !want, want)
		}
	}
	if got := Defaults().Enabled(); fmt.Sprint(got) != "[en]" {
		t.Fatalf("enabled by default %v", got)
	}
}
