package optoken

import (
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
)

func TestValidateOperation(t *testing.T) {
	valid := []string{"withdraw", "a", "prop_challenge_fee", "me:change_phone", "::", "_", strings.Repeat("x", 64)}
	invalid := []string{"", strings.Repeat("x", 65), "Withdraw", "with draw", "withdraw\n", "withdraw-1",
		"withdraw2", "wіthdraw" /* Cyrillic і */, "ｗithdraw", "a.b", "a#b", "é"}
	for _, op := range valid {
		if err := ValidateOperation(op); err != nil {
			t.Errorf("%q refused: %v", op, err)
		}
	}
	for _, op := range invalid {
		err := ValidateOperation(op)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "operation" {
			t.Errorf("%q: %v, want a 422 naming operation", op, err)
		}
	}
}

func TestWellFormed(t *testing.T) {
	tok := newToken()
	if !wellFormed(tok) || len(tok) != 43 {
		t.Fatalf("a new token %q is not well formed", tok)
	}
	for _, bad := range []string{"", tok[:42], tok + "A", tok[:42] + "=", tok[:42] + "+", tok[:42] + "/", " " + tok[1:]} {
		if wellFormed(bad) {
			t.Errorf("%q is taken for a token", bad)
		}
	}
	// The last character carries 2 spare bits, which must be zero: a token
	// with them set decodes to the same bytes, but is not one we issued.
	if wellFormed(tok[:42]+"B") && wellFormed(tok[:42]+"A") {
		t.Errorf("two spellings of one token are both well formed")
	}
}

func TestHashIsHexSHA256(t *testing.T) {
	// sha256("abc")
	if got := hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("hash %s", got)
	}
}
