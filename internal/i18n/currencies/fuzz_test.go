package currencies

import (
	"slices"
	"testing"
)

// FuzzValid: Valid accepts exactly the codes of the list, however the
// input is spelled: no substring across two codes, no other case, no
// padding.
func FuzzValid(f *testing.F) {
	all := All()
	f.Fuzz(func(t *testing.T, code string) {
		if got, want := Valid(code), slices.Contains(all, code); got != want {
			t.Fatalf("Valid(%q) = %v, the list says %v", code, got, want)
		}
	})
}
