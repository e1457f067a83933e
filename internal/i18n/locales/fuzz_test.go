package locales

import (
	"strings"
	"testing"

	"clientarea/internal/devtools/localegen/localedata"
)

// FuzzLookup: Lookup reads any input as x/text's language.Parse does
// (agree, in equivalence_test.go, with the two x/text bugs it does not
// copy), and the language it finds is found again by its own code, in any
// case.
func FuzzLookup(f *testing.F) {
	o := oracle(localedata.Languages())
	f.Fuzz(func(t *testing.T, code string) {
		if _, _, failures := agree(o, []string{code}); len(failures) > 0 {
			t.Fatal(failures[0])
		}
		l, ok := Lookup(code)
		if !ok {
			return
		}
		for _, again := range []string{l.Code, strings.ToUpper(l.Code), strings.ToLower(l.Code), strings.ReplaceAll(l.Code, "-", "_")} {
			if got, ok := Lookup(again); !ok || got != l {
				t.Fatalf("Lookup(%q) = %+v; Lookup(%q) = %+v, %v", code, l, again, got, ok)
			}
		}
		if l.Name == "" || l.NativeName == "" {
			t.Fatalf("Lookup(%q) = %+v without its names", code, l)
		}
	})
}
