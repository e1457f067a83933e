package callcount_test

import (
	"context"
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

// The recorder sees each operation once, as the function whose copy of
// the configuration made it, with what it touched and, asked for, what
// DynamoDB Local charged for it.
func TestRecordsEachOperationWithItsCost(t *testing.T) {
	table := dbtest.Table(t)
	cfg := config.Config{Region: "us-east-1", DynamoDBEndpoint: os.Getenv("DYNAMODB_ENDPOINT")}
	base, err := awsclients.Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := callcount.New(true)
	// A copy instrumented again records as the later function.
	first := rec.Instrument(base, "first")
	db := dynamo.NewClient(rec.Instrument(first, "second"), cfg.DynamoDBEndpoint)
	ctx := context.Background()
	name := aws.String(table.Name)
	item := func(pk, sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"PK": dynamo.S(pk), "SK": dynamo.S(sk), "pad": dynamo.S(string(make([]byte, 5000)))}
	}
	_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: name, Item: item("A", "1")}},
		{Put: &types.Put{TableName: name, Item: item("A", "2")}},
		{Put: &types.Put{TableName: name, Item: item("B", "1")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: name, Item: item("C", "1")}); err != nil {
		t.Fatal(err)
	}
	get := &dynamodb.GetItemInput{TableName: name, Key: dynamo.Key{PK: "A", SK: "1"}.KeyAttrs(), ConsistentRead: aws.Bool(true)}
	if _, err := db.GetItem(ctx, get); err != nil {
		t.Fatal(err)
	}
	if get.ReturnConsumedCapacity != "" {
		t.Fatal("the caller's request was changed")
	}
	_, err = db.Query(ctx, &dynamodb.QueryInput{TableName: name, KeyConditionExpression: aws.String("#pk = :a"),
		ExpressionAttributeNames: map[string]string{"#pk": "PK"}, ExpressionAttributeValues: map[string]types.AttributeValue{":a": dynamo.S("A")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		table.Name: {Keys: []map[string]types.AttributeValue{dynamo.Key{PK: "A", SK: "2"}.KeyAttrs(), dynamo.Key{PK: "B", SK: "1"}.KeyAttrs()}, ConsistentRead: aws.Bool(true)},
	}})
	if err != nil {
		t.Fatal(err)
	}

	calls := rec.Take()
	if got := callcount.Summary(calls); got != "dynamodb:BatchGetItem ×1, dynamodb:GetItem ×1, dynamodb:PutItem ×1, dynamodb:Query ×1, dynamodb:TransactWriteItems ×1" {
		t.Fatalf("summary %q", got)
	}
	for _, c := range calls {
		if c.Function != "second" || c.Attempts != 1 || c.Failed {
			t.Errorf("%s: function %q, %d attempts, failed %v", c, c.Function, c.Attempts, c.Failed)

		}
	}
	tx, put, getc, q, batch := calls[0], calls[1], calls[2], calls[3], calls[4]
	// A 5 KB item: 5 write units to put (1 KB each), 2 read units to read
	// strongly consistently (4 KB each), half that eventually
	// consistently; a Query sums the items' sizes before rounding up.
	// (DynamoDB Local's units for transactions are not DynamoDB's, which
	// charges each item twice: they are not checked here.)
	if tx.Items != 3 || len(tx.Partitions) != 2 || tx.Partitions[0] != "A" || tx.Partitions[1] != "B" {
		t.Errorf("transaction: %s: %d items", tx, tx.Items)
	}
	if put.Items != 1 || put.WriteUnits != 5 || put.Partitions[0] != "C" {
		t.Errorf("put: %s: %v units", put, put.WriteUnits)
	}
	if !getc.Consistent || getc.Returned != 1 || getc.ReadUnits != 2 || getc.Partitions[0] != "A" {
		t.Errorf("get: %s: consistent %v, %d returned, %v units", getc, getc.Consistent, getc.Returned, getc.ReadUnits)
	}
	if q.Consistent || q.Returned != 2 || q.ReadUnits != 1.5 || q.Partitions[0] != "A" {
		t.Errorf("query: %s: consistent %v, %d returned, %v units", q, q.Consistent, q.Returned, q.ReadUnits)
	}
	if batch.Items != 2 || batch.Returned != 2 || batch.ReadUnits != 4 || len(batch.Partitions) != 2 {
		t.Errorf("batch: %s: %d returned, %v units", batch, batch.Returned, batch.ReadUnits)
	}
	if len(rec.Take()) != 0 {
		t.Error("Take does not forget")
	}
}
