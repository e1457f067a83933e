package clients

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzNormalizeEmail: an address is accepted only within RFC 5321's
// limits, with one "@", a dotted domain and no white space, control
// characters or quoting; what is accepted is its own normal form; and
// surrounding white space never changes the answer.
func FuzzNormalizeEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		e, ok := NormalizeEmail(raw)
		if e2, ok2 := NormalizeEmail(" \t" + raw + "\n"); e2 != e || ok2 != ok {
			t.Fatalf("NormalizeEmail(%q) = %q, %v; padded: %q, %v", raw, e, ok, e2, ok2)
		}
		if !ok {
			return
		}
		local, domain, _ := strings.Cut(e, "@")
		if len(e) > 254 || local == "" || len(local) > 64 || strings.Count(e, "@") != 1 ||
			!strings.Contains(domain, ".") || strings.Contains(domain, "..") ||
			strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
			t.Fatalf("accepted %q as %q", raw, e)
		}
		if strings.IndexFunc(e, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("\"<>,\\", r)
		}) >= 0 {
			t.Fatalf("accepted %q with a space, control character or quote", e)
		}
		if again, ok := NormalizeEmail(e); !ok || again != e {
			t.Fatalf("NormalizeEmail(%q) = %q; again: %q, %v", raw, e, again, ok)
		}
		if strings.ToLower(e) != e {
			t.Fatalf("accepted %q not in lower case", e)
		}
	})
}
