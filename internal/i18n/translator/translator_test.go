package translator

import (
	"testing"

	"clientarea/internal/i18n/locales"
)

func TestServiceCodeOfEveryAvailableLanguage(t *testing.T) {
	cases := map[string]string{
		"en": "en", "de": "de", "pt-BR": "pt", "pt-PT": "pt-PT", "es-419": "es", "es-MX": "es-MX",
		"zh-Hant": "zh-TW", "zh": "zh", "sr-Latn": "sr", "fr-CA": "fr-CA", "fil": "fil",
	}
	for code, want := range cases {
		if got := ServiceCode(code); got != want {
			t.Errorf("ServiceCode(%q) = %q, want %q", code, got, want)
		}
	}
	for _, l := range locales.Available() {
		if got := ServiceCode(l.Code); got == "" {
			t.Errorf("ServiceCode(%q) is empty", l.Code)
		}
	}
}
