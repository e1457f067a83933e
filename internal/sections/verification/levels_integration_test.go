package verification_test

import (
	"fmt"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

func TestLevelLifecycle(t *testing.T) {
	c := setup(t)
	if got := c.Do("GET", levels, nil, "").Expect(t, 200).Map(t)["items"]; fmt.Sprint(got) != "[]" {
		t.Fatalf("no levels yet, got %v", got)
	}
	created := c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	if created.Header.Get("ETag") != `"1"` || created.Header.Get("Location") != levels+"/kyc1" {
		t.Fatalf("create headers %v", created.Header)
	}
	level := created.Map(t)
	if level["version"] != 1.0 || level["type"] != "personal" || translations(t, level)["en"].(map[string]any)["title"] != "Basic" {
		t.Fatalf("created %v", level)
	}

	// Get is case-insensitive on the label; list has it.
	got := c.Do("GET", levels+"/KYC1", nil, "").Expect(t, 200).Map(t)
	if got["label"] != "kyc1" || got["version"] != 1.0 || got["updated_by"] != "dev-admin" {
		t.Fatalf("get %v", got)
	}
	items := c.Do("GET", levels, nil, "").Expect(t, 200).Map(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["label"] != "kyc1" {
		t.Fatalf("list %v", items)
	}

	// Update: label and type may be left out (kept); the GET answer can be sent back.
	got["required_documents"] = []string{"passport_or_id", "bank_card_front"}
	updated := c.Do("PUT", levels+"/kyc1", got, "").Expect(t, 200).Map(t)
	if updated["version"] != 2.0 || fmt.Sprint(updated["required_documents"]) != "[passport_or_id bank_card_front]" {
		t.Fatalf("updated %v", updated)
	}
	body := kyc1()
	delete(body, "label")
	delete(body, "type")
	if kept := c.Do("PUT", levels+"/kyc1", body, `"2"`).Expect(t, 200).Map(t); kept["label"] != "kyc1" || kept["type"] != "personal" {
		t.Fatalf("left-out label/type not kept: %v", kept)
	}

	// Delete needs the current version.
	c.Do("DELETE", levels+"/kyc1", nil, "").ExpectProblem(t, 428, "precondition_required")
	c.Do("DELETE", levels+"/kyc1", nil, `"1"`).ExpectProblem(t, 412, "version_conflict")
	c.Do("DELETE", levels+"/kyc1", nil, `"3"`).Expect(t, 204)
	c.Do("GET", levels+"/kyc1", nil, "").ExpectProblem(t, 404, "not_found")
	c.Do("DELETE", levels+"/kyc1", nil, `"3"`).ExpectProblem(t, 404, "not_found")
	c.Do("PUT", levels+"/kyc1", kyc1(), `"3"`).ExpectProblem(t, 404, "not_found")

	// Every write is audited: create, two updates, delete.
	entries := c.Audit("verification-levels")
	if len(entries) != 4 {
		t.Fatalf("%d audit entries, want 4", len(entries))
	}
	del, create := entries[0], entries[3]
	if del.Subject != "kyc1" || del.After != nil || del.Before["label"] != "kyc1" || create.Before != nil || create.After["label"] != "kyc1" {
		t.Fatalf("audit delete %+v / create %+v", del, create)
	}
	// The label is free again.
	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
}

func TestLevelLabelsAreUniqueRegardlessOfCase(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	other := kyc1()
	other["label"] = "KYC1"
	other["type"] = "business"
	c.Do("POST", levels, other, "").ExpectProblem(t, 409, "label_taken")
	if n := len(c.Audit("verification-levels")); n != 1 {
		t.Fatalf("a refused create left an audit entry (%d entries)", n)
	}
}

func TestTenConcurrentCreatesOfOneLabelGiveOne201(t *testing.T) {
	c := setup(t)
	const n = 10
	statuses := apptest.Concurrently(n, func(i int) int {
		body := kyc1()
		body["label"] = []string{"kyc1", "KYC1", "Kyc1"}[i%3]
		body["properties"] = []string{fmt.Sprintf("p%d", i)}
		body["translations"] = map[string]any{}
		return c.Do("POST", levels, body, "").Status
	})
	created, winner := 0, -1
	for i, s := range statuses {
		switch s {
		case 201:
			created++
			winner = i
		case 409:
		default:
			t.Fatalf("create %d got %d", i, s)
		}
	}
	if created != 1 {
		t.Fatalf("%d creates succeeded: %v", created, statuses)
	}
	stored := c.Do("GET", levels+"/kyc1", nil, "").Expect(t, 200).Map(t)
	if fmt.Sprint(stored["properties"]) != fmt.Sprintf("[p%d]", winner) {
		t.Fatalf("stored %v, want the winner's (%d)", stored["properties"], winner)
	}
	if items := c.Do("GET", levels, nil, "").Expect(t, 200).Map(t)["items"].([]any); len(items) != 1 {
		t.Fatalf("%d levels stored", len(items))
	}
	if n := len(c.Audit("verification-levels")); n != 1 {
		t.Fatalf("%d audit entries, want 1", n)
	}
}

func TestLevelLabelAndTypeAreImmutable(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	for field, value := range map[string]string{"label": "kyc2", "type": "business"} {
		body := kyc1()
		body[field] = value
		p := c.Do("PUT", levels+"/kyc1", body, `"1"`).ExpectProblem(t, 422, "immutable_field")
		if got := fieldList(t, p); got != "["+field+"]" {
			t.Fatalf("fields %s, want [%s]", got, field)
		}
	}
	// A change of case is a change of label too.
	body := kyc1()
	body["label"] = "KYC1"
	c.Do("PUT", levels+"/kyc1", body, `"1"`).ExpectProblem(t, 422, "immutable_field")
	if v := c.Do("GET", levels+"/kyc1", nil, "").Expect(t, 200).Map(t)["version"]; v != 1.0 {
		t.Fatalf("refused updates changed the version to %v", v)
	}
}

func TestLevelValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(map[string]any)
		fields string
	}{
		{"label missing", func(b map[string]any) { delete(b, "label") }, "[label]"},
		{"label with a space", func(b map[string]any) { b["label"] = "kyc 1" }, "[label]"},
		{"label too long", func(b map[string]any) { b["label"] = strings.Repeat("a", 65) }, "[label]"},
		{"type unknown", func(b map[string]any) { b["type"] = "corporate" }, "[type]"},
		{"type missing", func(b map[string]any) { delete(b, "type") }, "[type]"},
		{"unknown document", func(b map[string]any) { b["required_documents"] = []string{"selfie"} }, "[required_documents[0]]"},
		{"document twice", func(b map[string]any) { b["required_documents"] = []string{"bank_card_back", "bank_card_back"} }, "[required_documents[1]]"},
		{"property twice", func(b map[string]any) { b["properties"] = []string{"tax_id", "TAX_ID"} }, "[properties[1]]"},
		{"bad property", func(b map[string]any) { b["properties"] = []string{"tax id"} }, "[properties[0] translations.en.fields.tax_id]"},
		{"unknown language", func(b map[string]any) {
			b["translations"] = map[string]any{"xx-Klingon": map[string]any{"title": "Q"}}
		}, "[translations.xx-Klingon]"},
		{"field not a property", func(b map[string]any) {
			b["translations"] = map[string]any{"en": map[string]any{"title": "T", "fields": map[string]string{"iban": "IBAN"}}}
		}, "[translations.en.fields.iban]"},
		{"title too long", func(b map[string]any) {
			b["translations"] = map[string]any{"de": map[string]any{"title": strings.Repeat("x", 201)}}
		}, "[translations.de.title]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := setup(t)
			body := kyc1()
			tc.change(body)
			p := c.Do("POST", levels, body, "").ExpectProblem(t, 422, "validation_failed")
			if got := fieldList(t, p); got != tc.fields {
				t.Fatalf("fields %s, want %s", got, tc.fields)
			}
		})
	}
}

func TestLevelLanguageCodesAreCanonical(t *testing.T) {
	c := setup(t)
	body := kyc1()
	body["translations"] = map[string]any{"pt-br": map[string]any{"title": "Básico"}}
	level := c.Do("POST", levels, body, "").Expect(t, 201).Map(t)
	if _, ok := translations(t, level)["pt-BR"]; !ok {
		t.Fatalf("translations %v, want the key pt-BR", level["translations"])
	}
}

func TestLevelMalformedBodies(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, `{"label":"x","colour":"red"}`, "").ExpectProblem(t, 400, "bad_request")
	c.Do("POST", levels, `{"label":`, "").ExpectProblem(t, 400, "bad_request")
	c.Do("POST", levels, `{"properties":"tax_id"}`, "").ExpectProblem(t, 400, "bad_request")
	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	c.Do("PUT", levels+"/kyc1", `{"version":"one"}`, "").ExpectProblem(t, 400, "bad_request")
}

// Labels no item can have (here, too long for a key) are simply not found,
// and a section cannot name them: never a 5xx from the database.
func TestImpossibleLabelsAreNotFound(t *testing.T) {
	c := setup(t)
	huge := strings.Repeat("x", 5000)
	c.Do("GET", levels+"/"+huge, nil, "").ExpectProblem(t, 404, "not_found")
	c.Do("PUT", statuses+"/"+huge, map[string]any{}, `"1"`).ExpectProblem(t, 404, "not_found")
	c.Do("DELETE", levels+"/"+huge, nil, `"1"`).ExpectProblem(t, 404, "not_found")
	c.Do("POST", levels+"/"+huge+"/clone", map[string]any{"from": "en", "to": "de"}, "").ExpectProblem(t, 404, "not_found")
	c.Do("PUT", section, map[string]any{"required_level": huge}, `"0"`).ExpectProblem(t, 422, "unknown_level")
	c.Do("PUT", section, map[string]any{"required_status": huge}, `"0"`).ExpectProblem(t, 422, "unknown_status")
}
