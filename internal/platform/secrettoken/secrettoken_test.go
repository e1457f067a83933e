package secrettoken

import "testing"

func TestTokens(t *testing.T) {
	a, b := New(), New()
	if a == b || !WellFormed(a) || len(a) != 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	for _, bad := range []string{"", "x", a[:42], a + "A", a[:42] + "+", a[:42] + "="} {
		if WellFormed(bad) {
			t.Errorf("%q is well formed", bad)
		}
	}
	if Hash(a) == Hash(b) || len(Hash(a)) != 64 || Hash(a) == a {
		t.Fatal("hash")
	}
}

func TestWellFormed(t *testing.T) {
	tok := New()
	if !WellFormed(tok) || len(tok) != 43 {
		t.Fatalf("a new token %q is not well formed", tok)
	}
	for _, bad := range []string{"", tok[:42], tok + "A", tok[:42] + "=", tok[:42] + "+", tok[:42] + "/", " " + tok[1:]} {
		if WellFormed(bad) {
			t.Errorf("%q is taken for a token", bad)
		}
	}
	// The last character carries 2 spare bits, which must be zero: a token
	// with them set decodes to the same bytes, but is not one we issued.
	if WellFormed(tok[:42]+"B") && WellFormed(tok[:42]+"A") {
		t.Errorf("two spellings of one token are both well formed")
	}
}

func TestHashIsHexSHA256(t *testing.T) {
	// sha256("abc")
	if got := Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("hash %s", got)
	}
}
