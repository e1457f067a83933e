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
