package apperr

import (
	"slices"
	"testing"
)

func TestFieldsNameEachFieldOnce(t *testing.T) {
	var f Fields
	f.Check(false, "tfa_operations", "unknown operation %q", "teleport")
	f.Range(0, "lockout_minutes", 1, 1440)
	f.Check(false, "tfa_operations", "unknown operation %q", "fly")
	f.Check(true, "tfa_operations", "never recorded")
	e, ok := As(f.Err())
	if !ok || e.Code != "validation_failed" {
		t.Fatalf("error %v, want validation_failed", f.Err())
	}
	want := []FieldError{
		{Field: "tfa_operations", Message: `unknown operation "teleport"; unknown operation "fly"`},
		{Field: "lockout_minutes", Message: "must be between 1 and 1440"},
	}
	if !slices.Equal(e.Fields, want) {
		t.Fatalf("fields %+v\nwant %+v", e.Fields, want)
	}
}

func TestNoFieldsNoError(t *testing.T) {
	var f Fields
	f.Check(true, "x", "fine")
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
}
