package documents_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"clientarea/internal/admindoc/audit"
	"clientarea/internal/testsupport/apptest"
)

const path = "/admin/config/documents"

func TestDocumentsSection(t *testing.T) {
	env := apptest.New(t)
	h := env.Handler("documents")
	do := func(method string, body any, ifMatch string) *apptest.Response {
		defer env.Clock.Advance(time.Second) // audit entries are ordered by time
		return apptest.Do(t, h, apptest.Admin(method, path, body, ifMatch))
	}

	res := do("GET", nil, "").Expect(t, 200)
	if got := string(res.Body); got != `{"required":[],"version":0}`+"\n" || res.Header.Get("ETag") != `"0"` {
		t.Fatalf("defaults: %s ETag %s", got, res.Header.Get("ETag"))
	}

	all := []string{"passport_or_id", "bank_card_front", "bank_card_back", "source_of_funds"}
	saved := do("PUT", map[string]any{"required": all}, `"0"`).Expect(t, 200).Map(t)
	if fmt.Sprint(saved["required"]) != fmt.Sprint(all) || saved["version"] != 1.0 {
		t.Fatalf("saved %v", saved)
	}
	// A subset, then null (the default: none).
	do("PUT", map[string]any{"required": []string{"source_of_funds"}}, `"1"`).Expect(t, 200)
	cleared := do("PUT", map[string]any{"required": nil}, `"2"`).Expect(t, 200).Map(t)
	if fmt.Sprint(cleared["required"]) != "[]" {
		t.Fatalf("null required = %v, want []", cleared["required"])
	}

	p := do("PUT", map[string]any{"required": []string{"passport_or_id", "selfie", "passport_or_id"}}, `"3"`).
		ExpectProblem(t, 422, "validation_failed")
	if got := apptest.FieldErrors(t, p); fmt.Sprint(got) != "[required[1] required[2]]" {
		t.Fatalf("fields %v", got)
	}
	do("PUT", map[string]any{"required": "passport_or_id"}, `"3"`).ExpectProblem(t, 400, "bad_request")
	do("PUT", map[string]any{"required": []string{}}, "").ExpectProblem(t, 428, "precondition_required")
	do("PUT", map[string]any{"required": []string{}}, `"1"`).ExpectProblem(t, 412, "version_conflict")
	apptest.Do(t, h, apptest.Request{Method: "GET", Path: path}).ExpectProblem(t, 401, "unauthenticated")

	entries, err := audit.List(context.Background(), env.Deps.Table, "documents", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0].Version != 3 || entries[2].Actor != "dev-admin" {
		t.Fatalf("audit entries %+v", entries)
	}
	if fmt.Sprint(entries[0].Before["required"]) != "[source_of_funds]" {
		t.Fatalf("newest entry's before %v", entries[0].Before)
	}
}
