package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"clientarea/internal/devtools/iamrecord"
	"clientarea/internal/devtools/samtemplate"
)

const template = `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  DemoFunction:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Sid: Config
              Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:ConditionCheckItem]
              Resource: !GetAtt Table.Arn
              Condition:
                ForAllValues:StringEquals:
                  dynamodb:LeadingKeys: [CONFIG]
`

const table = "arn:aws:dynamodb:us-east-1:123456789012:table/Table"

// A grant no recorded call of its function used is reported, one used by
// another function's call too; calls of a function the template lacks are
// reported.
func TestUnusedGrantsAreReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	get := samtemplate.Call{Action: "dynamodb:GetItem", Resource: table, LeadingKey: "CONFIG"}
	check := samtemplate.Call{Action: "dynamodb:ConditionCheckItem", Resource: table, LeadingKey: "CONFIG"}
	got := unused(tpl, []iamrecord.Record{{Function: "demo", Call: get}, {Function: "other", Call: check}})
	want := []string{
		"demo: unused dynamodb:ConditionCheckItem on " + table + " for leading key CONFIG (statement Config)",
		"other: calls recorded for a function template.yaml does not have",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if got := unused(tpl, []iamrecord.Record{{Function: "demo", Call: get}, {Function: "demo", Call: check}}); len(got) != 0 {
		t.Fatalf("every grant used, got %q", got)
	}
}

// No records at all means the tests did not record, not that nothing is
// used: that fails too.
func TestNoRecordsFails(t *testing.T) {
	if code := run([]string{t.TempDir()}, io.Discard, io.Discard); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
}
