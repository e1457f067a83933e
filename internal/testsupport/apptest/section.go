package apptest

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/audit"
	"clientarea/internal/testsupport/dbtest"
)

// Section sends an admin's requests to one configuration section's route.
type Section struct {
	H    http.Handler
	Path string // "/admin/config/security"
}

// Get reads the section.
func (s Section) Get(t testing.TB) *Response {
	t.Helper()
	return Do(t, s.H, Request{Method: "GET", Path: s.Path, Token: AdminToken})
}

// Put writes body with If-Match ifMatch ("" sends none).
func (s Section) Put(t testing.TB, body any, ifMatch string) *Response {
	t.Helper()
	r := Request{Method: "PUT", Path: s.Path, Body: body, Token: AdminToken}
	if ifMatch != "" {
		r.Headers = map[string]string{"If-Match": ifMatch}
	}
	return Do(t, s.H, r)
}

// RaceWriters PUTs body(i) for i in [0, n) at the same time, all with
// ifMatch, and returns the index of the one writer that succeeded. It fails
// t unless exactly one got 200 and every other one 412.
func (s Section) RaceWriters(t testing.TB, n int, ifMatch string, body func(i int) any) int {
	t.Helper()
	statuses := Concurrently(n, func(i int) int { return s.Put(t, body(i), ifMatch).Status })
	winner := -1
	for i, st := range statuses {
		switch {
		case st == 200 && winner >= 0:
			t.Fatalf("two writers succeeded with the same version: %d and %d", winner, i)
		case st == 200:
			winner = i
		case st != 412:
			t.Fatalf("writer %d got %d, want 200 or 412", i, st)
		}
	}
	if winner < 0 {
		t.Fatal("no writer succeeded")
	}
	return winner
}

// AuditEntries lists a section's audit entries, newest first.
func (e *Env) AuditEntries(section string) []audit.Record {
	e.t.Helper()
	entries, err := audit.List(context.Background(), e.Deps.Table, section, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// Items returns every item of the test's table (a Scan: tests only).
func (e *Env) Items() []map[string]types.AttributeValue {
	e.t.Helper()
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(dbtest.Client(e.t), &dynamodb.ScanInput{
		TableName: aws.String(e.Deps.Table.Name), ConsistentRead: aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			e.t.Fatalf("scan %s: %v", e.Deps.Table.Name, err)
		}
		items = append(items, page.Items...)
	}
	return items
}

// ItemsOfType returns the items whose "type" attribute is typ.
func (e *Env) ItemsOfType(typ string) []map[string]types.AttributeValue {
	e.t.Helper()
	var out []map[string]types.AttributeValue
	for _, it := range e.Items() {
		if v, ok := it["type"].(*types.AttributeValueMemberS); ok && v.Value == typ {
			out = append(out, it)
		}
	}
	return out
}
