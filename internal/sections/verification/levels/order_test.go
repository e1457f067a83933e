package levels

import (
	"strconv"
	"strings"
	"testing"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/ruletest"
)

func TestOrderRules(t *testing.T) {
	ruletest.Run(t, (*Order).Normalize, Order.Validate, []ruletest.Case{
		{Name: "empty document", In: `{}`, Want: `{"levels":[]}`},
		{Name: "null list", In: `{"levels":null}`, Want: `{"levels":[]}`},
		{Name: "an order, as it is", In: `{"levels":["kyc1","KYC2","kyc-3_b"]}`, Want: `{"levels":["kyc1","KYC2","kyc-3_b"]}`},
		{Name: "90 levels", In: `{"levels":` + ruleStrings("l", 90) + `}`, Want: `{"levels":` + ruleStrings("l", 90) + `}`},

		{Name: "91 levels", In: `{"levels":` + ruleStrings("l", 91) + `}`, Fields: []string{"levels"}},
		{Name: "blank label", In: `{"levels":["kyc1",""]}`, Fields: []string{"levels[1]"}},
		{Name: "label with a space", In: `{"levels":["kyc 1","kyc2"]}`, Fields: []string{"levels[0]"}},
		{Name: "label of 65", In: `{"levels":["` + strings.Repeat("a", 65) + `"]}`, Fields: []string{"levels[0]"}},
		{Name: "listed twice", In: `{"levels":["kyc1","kyc2","kyc1"]}`, Fields: []string{"levels[2]"}},
		{Name: "listed twice, in another case", In: `{"levels":["kyc1","KYC1"]}`, Fields: []string{"levels[1]"}},
		{Name: "every bad entry is named", In: `{"levels":["kyc1","bad label","Kyc1","kyc2","kyc2"]}`,
			Fields: []string{"levels[1]", "levels[2]", "levels[4]"}},
	})
}

func TestSatisfies(t *testing.T) {
	order := Order{Levels: []string{"kyc1", "kyc2", "kyc3"}}
	cases := []struct {
		name           string
		order          Order
		required, held string
		want           bool
	}{
		{"the required level", order, "kyc2", "kyc2", true},
		{"a higher level", order, "kyc2", "kyc3", true},
		{"the highest over the lowest", order, "kyc1", "kyc3", true},
		{"a lower level", order, "kyc2", "kyc1", false},
		{"reordered: the same levels, the other answer", Order{Levels: []string{"kyc3", "kyc2", "kyc1"}}, "kyc2", "kyc1", true},
		{"reordered: the former higher level is now lower", Order{Levels: []string{"kyc3", "kyc2", "kyc1"}}, "kyc2", "kyc3", false},
		{"an unranked held level", order, "kyc1", "kyc9", false},
		{"an unranked required level, held by a ranked one", order, "kyc9", "kyc3", false},
		{"an unranked required level, held exactly", order, "kyc9", "kyc9", true},
		{"labels are exact", order, "kyc1", "KYC2", false},
		{"no requirement, a level held", order, "", "kyc1", true},
		{"no requirement, an unranked level held", order, "", "kyc9", true},
		{"no requirement, no level held", order, "", "", true},
		{"no level held", order, "kyc1", "", false},
		{"no order: only exact matches", Order{}, "kyc1", "kyc2", false},
		{"no order, exactly", Order{}, "kyc1", "kyc1", true},
	}
	for _, c := range cases {
		if got := c.order.Satisfies(c.required, c.held); got != c.want {
			t.Errorf("%s: order %v, required %q, held %q: %v, want %v", c.name, c.order.Levels, c.required, c.held, got, c.want)
		}
	}
}

// Code that only decodes the section builds it without the levels store:
// it then has no checks and no annotations, and its defaults are an empty
// order.
func TestOrderSectionWithoutStore(t *testing.T) {
	def := OrderSection(nil)
	if def.Checks != nil || def.Annotate != nil || len(def.Annotations) != 0 || def.Around != (admindoc.KeyRange{}) {
		t.Fatal("a decoding-only definition has checks or annotations")
	}
	rec, err := admindoc.New(admindoc.Env{}, def).Decode(nil)
	if err != nil || rec.Doc.Levels == nil || len(rec.Doc.Levels) != 0 || rec.Version != 0 {
		t.Fatalf("defaults %+v, %v", rec, err)
	}
}

// A save checks that each listed level exists; a failure names its entry.
func TestOrderChecksEachListedLevel(t *testing.T) {
	def := OrderSection(Levels(admindoc.Env{}))
	checks := def.Checks(Order{Levels: []string{"kyc1", "kyc2", "kyc3"}})
	if len(checks) != 3 {
		t.Fatalf("%d checks, want one per level", len(checks))
	}
	for i, c := range checks {
		ruletest.ExpectFields(t, c.Err, "unknown_level", "levels["+strconv.Itoa(i)+"]")
	}
	if len(def.Annotations) != 1 || def.Annotations[0] != "unranked" || def.Annotate == nil {
		t.Fatalf("annotations %v", def.Annotations)
	}
	// The levels are read with the section: its range holds both.
	if r := def.Around; r.From != dynamo.LevelPrefix || r.To != dynamo.SectionKey(OrderSectionName).SK {
		t.Fatalf("around %+v", r)
	}
}
