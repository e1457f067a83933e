package documents_test

import (
	"fmt"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const path = "/admin/config/documents"

func TestDocumentsSection(t *testing.T) {
	c := apptest.New(t).Admin("documents")

	res := c.Get(path).Expect(t, 200)
	if got := string(res.Body); got != `{"required":[],"version":0}`+"\n" || res.Header.Get("ETag") != `"0"` {
		t.Fatalf("defaults: %s ETag %s", got, res.Header.Get("ETag"))
	}

	all := []string{"passport_or_id", "bank_card_front", "bank_card_back", "source_of_funds"}
	saved := c.Put(path, map[string]any{"required": all}, `"0"`).Expect(t, 200).Map(t)
	if fmt.Sprint(saved["required"]) != fmt.Sprint(all) || saved["version"] != 1.0 {
		t.Fatalf("saved %v", saved)
	}
	// A subset, then null (the default: none).
	c.Put(path, map[string]any{"required": []string{"source_of_funds"}}, `"1"`).Expect(t, 200)
	cleared := c.Put(path, map[string]any{"required": nil}, `"2"`).Expect(t, 200).Map(t)
	if fmt.Sprint(cleared["required"]) != "[]" {
		t.Fatalf("null required = %v, want []", cleared["required"])
	}

	// The rules are unit-tested (rules_test.go); over HTTP a rejected list
	// is a 422 naming each bad entry.
	c.Put(path, map[string]any{"required": []string{"passport_or_id", "selfie", "passport_or_id"}}, `"3"`).
		ExpectInvalid(t, "validation_failed", "required[1]", "required[2]")
	c.Put(path, map[string]any{"required": "passport_or_id"}, `"3"`).ExpectProblem(t, 400, "bad_request")
	c.Put(path, map[string]any{"required": []string{}}, "").ExpectProblem(t, 428, "precondition_required")
	c.Put(path, map[string]any{"required": []string{}}, `"1"`).ExpectProblem(t, 412, "version_conflict")
	c.Anonymous("GET", path, nil).ExpectProblem(t, 401, "unauthenticated")

	entries := c.Audit("documents")
	if len(entries) != 3 || entries[0].Version != 3 || entries[2].Actor != "dev-admin" {
		t.Fatalf("audit entries %+v", entries)
	}
	if fmt.Sprint(entries[0].Before["required"]) != "[source_of_funds]" {
		t.Fatalf("newest entry's before %v", entries[0].Before)
	}
}
