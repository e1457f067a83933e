package phone

import (
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
)

// FuzzNormalize: whatever people type, Normalize reads it as
// libphonenumber does (Parse, IsValidNumber, Format E.164; Type and Region
// too: agree, in equivalence_test.go), but for what it refuses by design
// and for its one addition, a leading "00" read as "+" without a default
// region (and a quirk of libphonenumber's on two-digit input, below). A refusal is a 422 invalid_phone naming "phone"; a number it
// returns is read again as itself, whatever the default region.
func FuzzNormalize(f *testing.F) {
	regions := sortedRegions()
	f.Fuzz(func(t *testing.T, raw string, regionIndex uint16) {
		region := ""
		if regionIndex > 0 {
			region = regions[int(regionIndex-1)%len(regions)]
		}
		got, err := Normalize(raw, region)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Code != "invalid_phone" || len(e.Fields) != 1 || e.Fields[0].Field != "phone" {
				t.Fatalf("Normalize(%q, %q): %v, want 422 invalid_phone naming phone", raw, region, err)
			}
		} else {
			if len(got) < 3 || len(got) > 1+3+maxNational || got[0] != '+' || got[1] == '0' || !allDigits(got[1:]) {
				t.Fatalf("Normalize(%q, %q) = %q, not in the international format", raw, region, got)
			}
			for _, home := range []string{"", region, "US", "DE"} {
				if again, err := Normalize(got, home); err != nil || again != got {
					t.Fatalf("Normalize(%q, %q) = %q; read again in %q: %q, %v", raw, region, got, home, again, err)
				}
			}
		}
		plus, digits, ok := digitsOf(strings.TrimSpace(raw))
		if region == "" && ok && !plus && strings.HasPrefix(digits, "00") && len(digits) > 2 &&
			len(strings.TrimSpace(raw)) <= maxInput {
			// The addition: "00" stands for "+" (libphonenumber refuses it).
			want, wantErr := Normalize("+"+digits[2:], "")
			if got != want || (err == nil) != (wantErr == nil) {
				t.Fatalf("Normalize(%q) = %q, %v; as +%s: %q, %v", raw, got, err, digits[2:], want, wantErr)
			}
			return
		}
		if ok && len(digits) <= minNational {
			// libphonenumber reads two digits as a number only when they
			// are all of the input ("12", not "12 " or "1-2"): a quirk
			// of its viability check that no valid number shows, as no
			// number has so few digits.
			if err == nil {
				t.Fatalf("Normalize(%q, %q) = %q from %d digits", raw, region, got, len(digits))
			}
			return
		}
		// Normalize trims surrounding white space first (a number pasted
		// with its line end); libphonenumber refuses a trailing "\r" or
		// "\t", so it is asked about the trimmed input.
		agree(t, input{strings.TrimSpace(raw), region})
	})
}
