package otp

import (
	"strings"
	"testing"
	"time"
)

func TestTextLanguageAndFallbacks(t *testing.T) {
	cases := []struct{ lang, def, wantStart string }{
		{"de", "en", "Ihr Bestätigungscode lautet 123456. Er ist 5 Min."},
		{"pt-BR", "en", "O seu código"},
		{"xx", "fr", "Votre code de vérification est 123456"},
		{"", "es", "Tu código"},
		{"xx", "yy", "Your verification code is 123456. It expires in 5 min."},
		{"DE", "", "Ihr Bestätigungscode"},
	}
	for _, c := range cases {
		if got := Text(c.lang, c.def, "123456", 5*time.Minute); !strings.HasPrefix(got, c.wantStart) {
			t.Errorf("Text(%q, %q) = %q, want it to start with %q", c.lang, c.def, got, c.wantStart)
		}
	}
	if got := Text("en", "", "000001", 61*time.Second); !strings.Contains(got, "000001") || !strings.Contains(got, "2 min") {
		t.Errorf("minutes round up and the code keeps its zeros: %q", got)
	}
}

func TestCodesAreSixDigitsAndIDsLong(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c := newCode()
		if !sixDigits(c) {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		if id := newID(); len(id) != 32 || !validID(id) { // 160 bits in base32
			t.Fatalf("id %q has %d characters", id, len(id))
		}
	}
	if len(seen) < 190 {
		t.Fatalf("only %d distinct codes in 200", len(seen))
	}
}
