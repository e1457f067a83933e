package apptest

import (
	"context"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/dynamo"
)

// There is no AWS account to deploy to here, so nothing else would notice a
// function whose code makes a DynamoDB call its template.yaml policy does
// not allow until it failed in AWS. Every handler a test builds therefore
// records its calls (IAM action and partition key), and when the test ends
// each call is checked against the function's policies in template.yaml.

// access is one DynamoDB permission a call needed.
type access struct{ action, pk string }

// accessRecorder is a dynamo.API that notes the accesses it passes on.
type accessRecorder struct {
	dynamo.API
	mu   sync.Mutex
	seen map[access]bool
}

func (r *accessRecorder) note(action string, pk string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[access{"dynamodb:" + action, pk}] = true
}

func partition(key map[string]types.AttributeValue) string {
	if s, ok := key["PK"].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return "<unknown partition>"
}

func (r *accessRecorder) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.note("GetItem", partition(in.Key))
	return r.API.GetItem(ctx, in, opts...)
}

func (r *accessRecorder) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r.note("PutItem", partition(in.Item))
	return r.API.PutItem(ctx, in, opts...)
}

func (r *accessRecorder) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r.note("UpdateItem", partition(in.Key))
	return r.API.UpdateItem(ctx, in, opts...)
}

func (r *accessRecorder) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	r.note("DeleteItem", partition(in.Key))
	return r.API.DeleteItem(ctx, in, opts...)
}

// Query's partition is read from the ":pk" value, the service's convention
// for key conditions ("PK = :pk ...").
func (r *accessRecorder) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	r.note("Query", partition(map[string]types.AttributeValue{"PK": in.ExpressionAttributeValues[":pk"]}))
	return r.API.Query(ctx, in, opts...)
}

// A transaction needs the permission of each of its item operations.
func (r *accessRecorder) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	for _, it := range in.TransactItems {
		switch {
		case it.Put != nil:
			r.note("PutItem", partition(it.Put.Item))
		case it.Update != nil:
			r.note("UpdateItem", partition(it.Update.Key))
		case it.Delete != nil:
			r.note("DeleteItem", partition(it.Delete.Key))
		case it.ConditionCheck != nil:
			r.note("ConditionCheckItem", partition(it.ConditionCheck.Key))
		}
	}
	return r.API.TransactWriteItems(ctx, in, opts...)
}

// checkPolicies fails t for every recorded access fn's policies do not allow.
func (r *accessRecorder) checkPolicies(t testing.TB, fn string) {
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := tpl.Function(fn)
	if !ok {
		t.Errorf("function %s is not in template.yaml", fn)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var denied []string
	for a := range r.seen {
		if !f.AllowsDynamoDB(a.action, a.pk) {
			denied = append(denied, a.action+" on partition "+a.pk)
		}
	}
	sort.Strings(denied)
	for _, d := range denied {
		t.Errorf("function %s made a call its template.yaml policies do not allow: %s", fn, d)
	}
}
