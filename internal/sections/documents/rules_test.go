package documents

import (
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/ruletest"
)

func TestRules(t *testing.T) {
	ruletest.Run(t, (*Config).Normalize, Config.Validate, []ruletest.Case{
		{Name: "left out is none", In: `{}`, Want: `{"required":[]}`},
		{Name: "null is none", In: `{"required":null}`, Want: `{"required":[]}`},
		{Name: "empty", In: `{"required":[]}`, Want: `{"required":[]}`},
		{Name: "every type, in the order given", In: `{"required":["source_of_funds","bank_card_back","bank_card_front","passport_or_id"]}`,
			Want: `{"required":["source_of_funds","bank_card_back","bank_card_front","passport_or_id"]}`},
		{Name: "a subset", In: `{"required":["passport_or_id","source_of_funds"]}`, Want: `{"required":["passport_or_id","source_of_funds"]}`},

		{Name: "unknown type", In: `{"required":["selfie"]}`, Fields: []string{"required[0]"}},
		{Name: "blank type", In: `{"required":[""]}`, Fields: []string{"required[0]"}},
		{Name: "types are spelled exactly", In: `{"required":["Passport_Or_ID"]}`, Fields: []string{"required[0]"}},
		{Name: "listed twice", In: `{"required":["bank_card_front","passport_or_id","bank_card_front"]}`, Fields: []string{"required[2]"}},
		{Name: "an unknown type twice is unknown twice", In: `{"required":["selfie","selfie"]}`, Fields: []string{"required[0]", "required[1]"}},
		{Name: "unknown and listed twice in one answer", In: `{"required":["passport_or_id","selfie","passport_or_id"]}`,
			Fields: []string{"required[1]", "required[2]"}},
	})
}

// CheckTypes is shared with verification levels, under their field name.
func TestCheckTypesNamesTheFieldAndSaysWhy(t *testing.T) {
	var f apperr.Fields
	CheckTypes(&f, "required_documents", []string{"source_of_funds", "selfie", "source_of_funds"})
	e := ruletest.ExpectFields(t, f.Err(), "", "required_documents[1]", "required_documents[2]")
	if msg := e.Fields[0].Message; !strings.Contains(msg, `"selfie"`) || !strings.Contains(msg, "passport_or_id") {
		t.Fatalf("unknown type message %q should name it and the known types", msg)
	}
	if msg := e.Fields[1].Message; !strings.Contains(msg, "listed twice") {
		t.Fatalf("repeat message %q", msg)
	}
}

func TestTypes(t *testing.T) {
	types := Types()
	if strings.Join(types, ",") != "passport_or_id,bank_card_front,bank_card_back,source_of_funds" {
		t.Fatalf("types %v", types)
	}
	types[0] = "changed"
	if !IsType(PassportOrID) || IsType("changed") || IsType("") {
		t.Fatal("Types must return a copy the caller cannot change the list through")
	}
}
