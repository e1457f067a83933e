package iamrecord

import (
	"slices"
	"testing"

	"clientarea/internal/devtools/samtemplate"
)

// What one process appends, once per distinct record, is what Read returns.
func TestAppendThenRead(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	a := Record{Function: "security", Call: samtemplate.Call{Action: "sns:Publish", Resource: "*"}}
	b := Record{Function: "general", Call: samtemplate.Call{Action: "dynamodb:GetItem", Resource: "arn:t", LeadingKey: "CONFIG"}}
	if err := Append([]Record{a, b}); err != nil {
		t.Fatal(err)
	}
	if err := Append([]Record{a}); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []Record{a, b}) {
		t.Fatalf("read %+v", got)
	}
}
