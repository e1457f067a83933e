package currencies

import (
	"slices"
	"testing"
)

func TestValid(t *testing.T) {
	for _, code := range []string{"USD", "EUR", "GBP", "JPY", "CHF", "VES", "MRU"} {
		if !Valid(code) {
			t.Errorf("%s refused", code)
		}
	}
	// Withdrawn codes, bad spellings and substrings across codes of the list.
	for _, code := range []string{"", "usd", "Usd", "US", "USDT", "HRK", "VEF", "XXX", "D A", "AED ", "EDA"} {
		if Valid(code) {
			t.Errorf("%q accepted", code)
		}
	}
}

func TestListIsSortedAndUnique(t *testing.T) {
	all := All()
	if len(all) < 150 {
		t.Fatalf("only %d codes", len(all))
	}
	if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Fatal("the list is not sorted and unique")
	}
	for _, c := range all {
		if !Valid(c) {
			t.Errorf("%q in the list is not valid", c)
		}
	}
}
