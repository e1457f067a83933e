package dynamo_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/callcount"
	"clientarea/internal/testsupport/dbtest"
)

// countedTable is a fresh table, read through a client whose calls rec
// records (base's client records nothing: for the set-up).
func countedTable(t *testing.T) (base, table dynamo.Table, rec *callcount.Recorder) {
	t.Helper()
	base = dbtest.Table(t)
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	awsCfg, err := awsclients.Load(context.Background(), config.Config{Region: "us-east-1", DynamoDBEndpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	rec = callcount.New(false)
	return base, dynamo.Table{DB: dynamo.NewClient(rec.Instrument(awsCfg, "test"), endpoint), Name: base.Name}, rec
}

// Get reads one item with one strongly consistent GetItem: the whole item
// when it exists, nil when it does not, and DynamoDB's own error (for the
// caller to wrap) when the read fails. What it returns decodes with
// UnmarshalItem, and an item of another shape fails to decode.
func TestGetReadsOneItemConsistently(t *testing.T) {
	base, table, rec := countedTable(t)
	ctx := context.Background()

	key := dynamo.Key{PK: "GET#1", SK: "ITEM"}
	stored := map[string]types.AttributeValue{"PK": dynamo.S(key.PK), "SK": dynamo.S(key.SK),
		"name": dynamo.S("Ada"), "n": dynamo.N(7)}
	if _, err := base.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &base.Name, Item: stored}); err != nil {
		t.Fatal(err)
	}

	t.Run("found", func(t *testing.T) {
		rec.Take()
		item, err := table.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if len(item) != len(stored) {
			t.Fatalf("item has %d attributes, want the whole item's %d: %v", len(item), len(stored), item)
		}
		var v struct {
			Name string `dynamodbav:"name"`
			N    int    `dynamodbav:"n"`
		}
		if err := dynamo.UnmarshalItem(item, &v); err != nil || v.Name != "Ada" || v.N != 7 {
			t.Fatalf("decoded %+v, %v", v, err)
		}
		calls := rec.Take()
		if got := callcount.Summary(calls); got != "dynamodb:GetItem ×1" {
			t.Fatalf("calls %q, want one GetItem", got)
		}
		if c := calls[0]; !c.Consistent || c.Returned != 1 || len(c.Keys) != 1 || c.Keys[0] != key {
			t.Errorf("GetItem: consistent %v, returned %d, keys %v", c.Consistent, c.Returned, c.Keys)
		}
	})

	t.Run("not found", func(t *testing.T) {
		rec.Take()
		item, err := table.Get(ctx, dynamo.Key{PK: "GET#absent", SK: "ITEM"})
		if err != nil || item != nil {
			t.Fatalf("absent item: %v, %v; want nil, nil", item, err)
		}
		calls := rec.Take()
		if len(calls) != 1 || !calls[0].Consistent || calls[0].Returned != 0 {
			t.Errorf("calls %v", calls)
		}
	})

	t.Run("decode error", func(t *testing.T) {
		item, err := table.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		var wrong struct {
			Name int `dynamodbav:"name"` // stored as a string
		}
		if err := dynamo.UnmarshalItem(item, &wrong); err == nil {
			t.Fatalf("a string decoded into an int: %+v", wrong)
		}
	})

	t.Run("read error", func(t *testing.T) {
		missing := dynamo.Table{DB: table.DB, Name: base.Name + "-missing"}
		item, err := missing.Get(ctx, key)
		var rnf *types.ResourceNotFoundException
		if item != nil || !errors.As(err, &rnf) {
			t.Fatalf("read of a missing table: %v, %v; want nil and DynamoDB's ResourceNotFoundException", item, err)
		}
	})
}

// QueryAll follows LastEvaluatedKey to the end: every item, in sort-key
// order, one Query a page.
func TestQueryAllReadsEveryPage(t *testing.T) {
	base, table, rec := countedTable(t)
	ctx := context.Background()
	for _, sk := range []string{"E", "A", "C", "B", "D"} {
		item := map[string]types.AttributeValue{"PK": dynamo.S("QUERY#1"), "SK": dynamo.S(sk)}
		if _, err := base.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &base.Name, Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	rec.Take()
	items, err := table.QueryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("QUERY#1")},
		Limit:                     aws.Int32(2), // pages of two
	})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, it := range items {
		got += dynamo.KeyOf(it).SK
	}
	if got != "ABCDE" {
		t.Fatalf("items %q, want ABCDE", got)
	}
	if calls := rec.Take(); len(calls) != 3 {
		t.Fatalf("%d Queries for 5 items in pages of 2, want 3", len(calls))
	}

	none, err := table.QueryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("QUERY#absent")},
	})
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("no match: %v, %v; want an empty, non-nil list", none, err)
	}
}
