package levels

import (
	"strconv"
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/ruletest"
)

// ruleLevel is a level document: label and type, then other fields (a JSON
// object's inside, or "").
func ruleLevel(label, typ, more string) string {
	doc := `{"label":` + strconv.Quote(label) + `,"type":` + strconv.Quote(typ)
	if more != "" {
		doc += "," + more
	}
	return doc + "}"
}

// ruleStrings is a JSON list of n strings named prefix0, prefix1...
func ruleStrings(prefix string, n int) string {
	list := make([]string, n)
	for i := range list {
		list[i] = strconv.Quote(prefix + strconv.Itoa(i))
	}
	return "[" + strings.Join(list, ",") + "]"
}

// ruleProps is a JSON object of n properties named p0, p1... whose values are value.
func ruleProps(n int, value string) string {
	list := make([]string, n)
	for i := range list {
		list[i] = strconv.Quote("p"+strconv.Itoa(i)) + ":" + strconv.Quote(value)
	}
	return "{" + strings.Join(list, ",") + "}"
}

// ruleText is a JSON string of n characters, each two bytes long in UTF-8:
// the limits count characters, not bytes.
func ruleText(n int) string { return strconv.Quote(strings.Repeat("é", n)) }

func TestLevelRules(t *testing.T) {
	const empty = `"properties":[],"required_documents":[],"translations":{}`
	tax := `"properties":["tax_id"],"required_documents":[],`
	ruletest.Run(t, (*Level).Normalize, Level.Validate, []ruletest.Case{
		// Left-out and null lists and maps are empty.
		{Name: "label and type only", In: ruleLevel("kyc1", "personal", ""), Want: ruleLevel("kyc1", "personal", empty)},
		{Name: "null lists and maps", In: ruleLevel("kyc1", "business", `"properties":null,"required_documents":null,"translations":null`),
			Want: ruleLevel("kyc1", "business", empty)},
		{Name: "a translation's fields left out", In: ruleLevel("kyc1", "personal", `"translations":{"en":{"title":"Basic"}}`),
			Want: ruleLevel("kyc1", "personal", `"properties":[],"required_documents":[],"translations":{"en":{"title":"Basic","description":"","fields":{}}}`)},
		{Name: "a whole level", In: ruleLevel("kyc1", "personal", `"properties":["tax_id","iban"],"required_documents":["passport_or_id","source_of_funds"],
			"translations":{"en":{"title":"Basic","description":"Identity checked","fields":{"tax_id":"Tax number","iban":"IBAN"}},
			"de":{"title":"Basis","fields":{"tax_id":"Steuernummer"}}}`),
			Want: ruleLevel("kyc1", "personal", `"properties":["tax_id","iban"],"required_documents":["passport_or_id","source_of_funds"],
			"translations":{"en":{"title":"Basic","description":"Identity checked","fields":{"tax_id":"Tax number","iban":"IBAN"}},
			"de":{"title":"Basis","description":"","fields":{"tax_id":"Steuernummer"}}}`)},

		// Language codes are spelled canonically.
		{Name: "canonical language codes", In: ruleLevel("kyc1", "personal", `"translations":{"pt-br":{"title":"Básico"},"EN":{"title":"Basic"},"zh-hant":{}}`),
			Want: ruleLevel("kyc1", "personal", `"properties":[],"required_documents":[],"translations":{
			"pt-BR":{"title":"Básico","description":"","fields":{}},"en":{"title":"Basic","description":"","fields":{}},
			"zh-Hant":{"title":"","description":"","fields":{}}}`)},

		// Boundaries, exactly.
		{Name: "label of 64", In: ruleLevel(strings.Repeat("a", 64), "personal", ""), Want: ruleLevel(strings.Repeat("a", 64), "personal", empty)},
		{Name: "label of 1 with every kind of character allowed", In: ruleLevel("K", "personal", `"properties":["a-Z_9"]`),
			Want: ruleLevel("K", "personal", `"properties":["a-Z_9"],"required_documents":[],"translations":{}`)},
		{Name: "50 properties", In: ruleLevel("kyc1", "personal", `"properties":`+ruleStrings("p", 50)),
			Want: ruleLevel("kyc1", "personal", `"properties":`+ruleStrings("p", 50)+`,"required_documents":[],"translations":{}`)},
		{Name: "longest texts, in characters", In: ruleLevel("kyc1", "personal", tax+`"translations":{"en":{"title":`+ruleText(200)+
			`,"description":`+ruleText(2000)+`,"fields":{"tax_id":`+ruleText(500)+`}}}`),
			Want: ruleLevel("kyc1", "personal", tax+`"translations":{"en":{"title":`+ruleText(200)+
				`,"description":`+ruleText(2000)+`,"fields":{"tax_id":`+ruleText(500)+`}}}`)},

		// Labels and types.
		{Name: "blank label", In: ruleLevel("", "personal", ""), Fields: []string{"label"}},
		{Name: "label of 65", In: ruleLevel(strings.Repeat("a", 65), "personal", ""), Fields: []string{"label"}},
		{Name: "label with a space", In: ruleLevel("kyc 1", "personal", ""), Fields: []string{"label"}},
		{Name: "label with a non-ASCII letter", In: ruleLevel("kyç", "personal", ""), Fields: []string{"label"}},
		{Name: "blank type", In: ruleLevel("kyc1", "", ""), Fields: []string{"type"}},
		{Name: "type spelled exactly", In: ruleLevel("kyc1", "Personal", ""), Fields: []string{"type"}},

		// Properties and documents.
		{Name: "51 properties", In: ruleLevel("kyc1", "personal", `"properties":`+ruleStrings("p", 51)), Fields: []string{"properties"}},
		{Name: "blank property", In: ruleLevel("kyc1", "personal", `"properties":["tax_id",""]`), Fields: []string{"properties[1]"}},
		{Name: "property with a dot", In: ruleLevel("kyc1", "personal", `"properties":["tax.id"]`), Fields: []string{"properties[0]"}},
		{Name: "property twice, in another case", In: ruleLevel("kyc1", "personal", `"properties":["tax_id","iban","TAX_ID"]`),
			Fields: []string{"properties[2]"}},
		{Name: "unknown document", In: ruleLevel("kyc1", "personal", `"required_documents":["passport_or_id","selfie"]`),
			Fields: []string{"required_documents[1]"}},
		{Name: "document twice", In: ruleLevel("kyc1", "personal", `"required_documents":["source_of_funds","source_of_funds"]`),
			Fields: []string{"required_documents[1]"}},

		// Translations.
		{Name: "unknown language", In: ruleLevel("kyc1", "personal", `"translations":{"xx":{"title":"?"}}`), Fields: []string{"translations.xx"}},
		{Name: "one language in two spellings", In: ruleLevel("kyc1", "personal", `"translations":{"pt-BR":{"title":"a"},"pt-br":{"title":"b"}}`),
			Fields: []string{"translations.pt-br"}},
		{Name: "title of 201", In: ruleLevel("kyc1", "personal", `"translations":{"en":{"title":`+ruleText(201)+`}}`),
			Fields: []string{"translations.en.title"}},
		{Name: "description of 2001", In: ruleLevel("kyc1", "personal", `"translations":{"en":{"description":`+ruleText(2001)+`}}`),
			Fields: []string{"translations.en.description"}},
		{Name: "caption of 501", In: ruleLevel("kyc1", "personal", tax+`"translations":{"en":{"fields":{"tax_id":`+ruleText(501)+`}}}`),
			Fields: []string{"translations.en.fields.tax_id"}},
		{Name: "caption of no property", In: ruleLevel("kyc1", "personal", tax+`"translations":{"en":{"fields":{"iban":"IBAN"}}}`),
			Fields: []string{"translations.en.fields.iban"}},
		{Name: "captions name properties exactly", In: ruleLevel("kyc1", "personal", tax+`"translations":{"en":{"fields":{"TAX_ID":"Tax"}}}`),
			Fields: []string{"translations.en.fields.TAX_ID"}},
		{Name: "a caption of no property and too long is named once", In: ruleLevel("kyc1", "personal",
			`"translations":{"en":{"fields":{"iban":`+ruleText(501)+`}}}`), Fields: []string{"translations.en.fields.iban"}},

		// One answer names every bad field, in the document's order and
		// languages in code order.
		{Name: "every kind at once", In: ruleLevel("kyc 1", "corporate", `"properties":["tax id","iban","IBAN"],
			"required_documents":["selfie"],"translations":{"xx":{},"en":{"title":`+ruleText(201)+`,"fields":{"swift":"SWIFT"}},"de":{"description":`+ruleText(2001)+`}}`),
			Fields: []string{"label", "type", "properties[0]", "properties[2]", "required_documents[0]",
				"translations.de.description", "translations.en.title", "translations.en.fields.swift", "translations.xx"}},
	})
}

// An unknown key is kept as it was sent, and named.
func TestLevelKeepsUnknownLanguageKeys(t *testing.T) {
	doc := ruletest.Decode[Level](t, ruleLevel("kyc1", "personal", `"translations":{"Klingon":{"title":"?"}}`))
	doc.Normalize()
	if _, ok := doc.Translations["Klingon"]; !ok || len(doc.Translations) != 1 {
		t.Fatalf("translations %v", doc.Translations)
	}
	ruletest.ExpectFields(t, doc.Validate(), "", "translations.Klingon")
}

func TestStatusRules(t *testing.T) {
	ruletest.Run(t, (*Status).Normalize, Status.Validate, []ruletest.Case{
		{Name: "label only", In: `{"label":"Approved"}`, Want: `{"label":"Approved","default":false,"text":{},"properties":{}}`},
		{Name: "null maps", In: `{"label":"Approved","text":null,"properties":null}`, Want: `{"label":"Approved","default":false,"text":{},"properties":{}}`},
		{Name: "default is read-only", In: `{"label":"Approved","default":true}`, Want: `{"label":"Approved","default":false,"text":{},"properties":{}}`},
		{Name: "Init is the default", In: `{"label":"Init","default":false,"text":{"en":"Init"}}`,
			Want: `{"label":"Init","default":true,"text":{"en":"Init"},"properties":{}}`},
		{Name: "canonical language codes", In: `{"label":"Approved","text":{"pt-br":"Aprovado","DE":"Genehmigt"}}`,
			Want: `{"label":"Approved","default":false,"text":{"pt-BR":"Aprovado","de":"Genehmigt"},"properties":{}}`},
		{Name: "free properties", In: `{"label":"Approved","properties":{"color":"green","icon":""}}`,
			Want: `{"label":"Approved","default":false,"text":{},"properties":{"color":"green","icon":""}}`},
		{Name: "shortest and longest texts", In: `{"label":"Approved","text":{"en":"A","de":` + ruleText(200) + `}}`,
			Want: `{"label":"Approved","default":false,"text":{"en":"A","de":` + ruleText(200) + `},"properties":{}}`},
		{Name: "50 properties of the longest value", In: `{"label":"Approved","properties":` + ruleProps(50, strings.Repeat("é", 500)) + `}`,
			Want: `{"label":"Approved","default":false,"text":{},"properties":` + ruleProps(50, strings.Repeat("é", 500)) + `}`},

		{Name: "blank label", In: `{"label":""}`, Fields: []string{"label"}},
		{Name: "label of 65", In: `{"label":"` + strings.Repeat("A", 65) + `"}`, Fields: []string{"label"}},
		{Name: "blank text", In: `{"label":"Approved","text":{"en":""}}`, Fields: []string{"text.en"}},
		{Name: "text of 201", In: `{"label":"Approved","text":{"en":` + ruleText(201) + `}}`, Fields: []string{"text.en"}},
		{Name: "unknown language", In: `{"label":"Approved","text":{"xx":"Approved"}}`, Fields: []string{"text.xx"}},
		{Name: "unknown language and blank text, named once", In: `{"label":"Approved","text":{"xx":""}}`, Fields: []string{"text.xx"}},
		{Name: "one language in two spellings", In: `{"label":"Approved","text":{"pt-BR":"Aprovado","pt-br":"Aprovado"}}`,
			Fields: []string{"text.pt-br"}},
		{Name: "51 properties", In: `{"label":"Approved","properties":` + ruleProps(51, "x") + `}`, Fields: []string{"properties"}},
		{Name: "property name with a space", In: `{"label":"Approved","properties":{"font color":"red"}}`, Fields: []string{"properties.font color"}},
		{Name: "property value of 501", In: `{"label":"Approved","properties":{"color":` + ruleText(501) + `}}`, Fields: []string{"properties.color"}},
		{Name: "several at once", In: `{"label":"Appro ved","text":{"en":"","fr":"Approuvé","xx":"?"},"properties":{"":"x","color":` + ruleText(501) + `}}`,
			Fields: []string{"label", "text.en", "text.xx", "properties.", "properties.color"}},
	})
}

func TestAccountRules(t *testing.T) {
	const none = `{"open_account_on_signup":false,"required_level":null,"required_status":null,"signup_account_currency":"USD"}`
	long := strings.Repeat("x", 100)
	ruletest.Run(t, (*Account).Normalize, Account.Validate, []ruletest.Case{
		{Name: "empty document", In: `{}`, Want: none},
		{Name: "null labels", In: `{"required_level":null,"required_status":null}`, Want: none},
		{Name: "blank labels are null", In: `{"required_level":"","required_status":""}`, Want: none},
		{Name: "a level and a status", In: `{"open_account_on_signup":true,"required_level":"kyc1","required_status":"Init"}`,
			Want: `{"open_account_on_signup":true,"required_level":"kyc1","required_status":"Init","signup_account_currency":"USD"}`},

		// The signup account's currency: blank or null is USD.
		{Name: "null currency", In: `{"signup_account_currency":null}`, Want: none},
		{Name: "blank currency", In: `{"signup_account_currency":""}`, Want: none},
		{Name: "a currency", In: `{"signup_account_currency":"EUR"}`,
			Want: `{"open_account_on_signup":false,"required_level":null,"required_status":null,"signup_account_currency":"EUR"}`},
		{Name: "currency in small letters", In: `{"signup_account_currency":"eur"}`, Fields: []string{"signup_account_currency"}},
		{Name: "no such currency", In: `{"signup_account_currency":"XYZ"}`, Fields: []string{"signup_account_currency"}},
		{Name: "a withdrawn currency", In: `{"signup_account_currency":"HRK"}`, Fields: []string{"signup_account_currency"}},

		// A label no level or status can have exists nowhere; whether the
		// others exist is the write's condition check.
		{Name: "a level label no level can have", In: `{"required_level":"kyc 1"}`, Code: "unknown_level", Fields: []string{"required_level"}},
		{Name: "a status label no status can have", In: `{"required_status":"` + long + `"}`, Code: "unknown_status", Fields: []string{"required_status"}},
		{Name: "both: the level is named", In: `{"required_level":"kyc 1","required_status":"Appro ved"}`, Code: "unknown_level", Fields: []string{"required_level"}},
	})
}

// A label too long for any status is shortened in the message.
func TestAccountShortensLongLabelsInMessages(t *testing.T) {
	label := strings.Repeat("x", 100)
	e := ruletest.ExpectFields(t, Account{RequiredStatus: &label}.Validate(), "unknown_status", "required_status")
	if msg := e.Fields[0].Message; !strings.Contains(msg, strings.Repeat("x", 64)+"…") || strings.Contains(msg, strings.Repeat("x", 65)) {
		t.Fatalf("message %q", msg)
	}
}

func TestKeepLevel(t *testing.T) {
	before := Level{Label: "kyc1", Type: TypePersonal}
	cases := []struct {
		name        string
		label, typ  string
		immutable   []string // nil: kept
		label2, ty2 string   // after keepLevel, when kept
	}{
		{name: "left out: taken from before", label2: "kyc1", ty2: TypePersonal},
		{name: "the same", label: "kyc1", typ: TypePersonal, label2: "kyc1", ty2: TypePersonal},
		{name: "only the label given", label: "kyc1", label2: "kyc1", ty2: TypePersonal},
		{name: "label changed", label: "kyc2", immutable: []string{"label"}},
		{name: "label in another case", label: "KYC1", typ: TypePersonal, immutable: []string{"label"}},
		{name: "type changed", typ: TypeBusiness, immutable: []string{"type"}},
		{name: "both changed", label: "kyc2", typ: TypeBusiness, immutable: []string{"label", "type"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			after := Level{Label: c.label, Type: c.typ, Properties: []string{"tax_id"}}
			err := keepLevel(before, &after)
			if c.immutable != nil {
				e := ruletest.ExpectFields(t, err, "immutable_field", c.immutable...)
				if !strings.Contains(e.Detail, strings.Join(c.immutable, ", ")) {
					t.Fatalf("detail %q does not name %v", e.Detail, c.immutable)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if after.Label != c.label2 || after.Type != c.ty2 || len(after.Properties) != 1 {
				t.Fatalf("after %+v", after)
			}
		})
	}
}

func TestKeepStatus(t *testing.T) {
	before := Status{Label: "Approved", Text: map[string]string{"en": "Approved"}}
	after := Status{Text: map[string]string{"en": "OK"}}
	if err := keepStatus(before, &after); err != nil || after.Label != "Approved" || after.Text["en"] != "OK" {
		t.Fatalf("left-out label: %v, %+v", err, after)
	}
	same := Status{Label: "Approved"}
	if err := keepStatus(before, &same); err != nil {
		t.Fatalf("same label: %v", err)
	}
	for _, label := range []string{"Rejected", "approved"} {
		changed := Status{Label: label}
		ruletest.ExpectFields(t, keepStatus(before, &changed), "immutable_field", "label")
	}
}

func TestInitCannotBeDeleted(t *testing.T) {
	for _, s := range []Status{initStatus(), {Label: DefaultStatus}, {Label: "Approved", Default: true}} {
		e, ok := apperr.As(undeletableStatus(s))
		if !ok || e.Kind != apperr.Conflict || e.Code != "default_status" {
			t.Fatalf("deleting %+v: %v, want 409 default_status", s, undeletableStatus(s))
		}
	}
	if err := undeletableStatus(Status{Label: "Approved"}); err != nil {
		t.Fatalf("deleting Approved: %v", err)
	}
	init := initStatus()
	init.Normalize()
	if err := init.Validate(); err != nil || !init.Default {
		t.Fatalf("the built-in Init is not a valid default status: %v %+v", err, init)
	}
}
