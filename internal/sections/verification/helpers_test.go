package verification_test

import (
	"fmt"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const (
	levels   = "/admin/verification-levels"
	statuses = "/admin/statuses"
	section  = "/admin/config/verification"
	order    = "/admin/config/level-order"
	// orderUnranked is the level order's GET that asks for its unranked
	// levels (a plain GET answers the section alone).
	orderUnranked = order + "?include=unranked"
)

func setup(t *testing.T) *apptest.Client {
	return apptest.New(t).Admin("verification")
}

func kyc1() map[string]any {
	return map[string]any{
		"label": "kyc1", "type": "personal", "properties": []string{"tax_id"},
		"required_documents": []string{"passport_or_id"},
		"translations": map[string]any{
			"en": map[string]any{"title": "Basic", "description": "Identity checked", "fields": map[string]string{"tax_id": "Tax number"}},
		},
	}
}

// level is kyc1 labelled label.
func level(label string) map[string]any {
	l := kyc1()
	l["label"] = label
	return l
}

func translations(t *testing.T, level map[string]any) map[string]any {
	t.Helper()
	tr, ok := level["translations"].(map[string]any)
	if !ok {
		t.Fatalf("level without translations: %v", level)
	}
	return tr
}

// fieldList is the problem's field names, printed.
func fieldList(t *testing.T, problem map[string]any) string {
	t.Helper()
	return fmt.Sprint(apptest.FieldErrors(t, problem))
}
