package clients

import "testing"

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]bool{
		"ann@example.com": true, " Ann@Example.COM ": true, "a.b+tag@sub.example.co.uk": true,
		"": false, "ann": false, "ann@": false, "@example.com": false, "ann@example": false,
		"ann@@example.com": false, "a b@example.com": false, "ann@example..com": false,
		"ann@-example.com": false, "<ann@example.com>": false, "ann@example.com\n": true, // trimmed
		string(make([]byte, 65)) + "@example.com": false,
	} {
		if _, ok := NormalizeEmail(in); ok != want {
			t.Errorf("NormalizeEmail(%q) ok = %v, want %v", in, ok, want)
		}
	}
	if got, _ := NormalizeEmail(" Ann@Example.COM "); got != "ann@example.com" {
		t.Errorf("got %q", got)
	}
}
