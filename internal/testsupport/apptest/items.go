package apptest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/testsupport/dbtest"
)

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
