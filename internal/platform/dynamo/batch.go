package dynamo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const (
	maxBatchKeys   = 100 // DynamoDB's limit per BatchGetItem
	maxBatchWrites = 25  // and per BatchWriteItem
	// batchAttempts is how often requests DynamoDB left unprocessed
	// (throttling, response size) are sent again before the call fails.
	batchAttempts = 6
)

// Projection is a projection expression with its attribute names; the
// zero Projection reads whole items.
type Projection struct {
	Expr  string
	Names map[string]string
}

// BatchGet reads keys in strongly consistent BatchGetItem calls (one for
// up to 100 keys), asking again for unprocessed keys. Absent items are
// absent from the answer.
func BatchGet(ctx context.Context, t Table, keys []Key, p Projection) (map[Key]map[string]types.AttributeValue, error) {
	db := t.DB
	out := make(map[Key]map[string]types.AttributeValue, len(keys))
	for start := 0; start < len(keys); start += maxBatchKeys {
		req := keysAndAttributes(keys[start:min(start+maxBatchKeys, len(keys))], p)
		if err := batchGetAll(ctx, db, t.Name, req, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func keysAndAttributes(keys []Key, p Projection) types.KeysAndAttributes {
	ka := types.KeysAndAttributes{ConsistentRead: aws.Bool(true)}
	for _, k := range keys {
		ka.Keys = append(ka.Keys, k.KeyAttrs())
	}
	if p.Expr != "" {
		ka.ProjectionExpression = aws.String(p.Expr)
		ka.ExpressionAttributeNames = p.Names
	}
	return ka
}

// batchGetAll runs one request, and again for what it left unprocessed.
func batchGetAll(ctx context.Context, db API, table string, req types.KeysAndAttributes, out map[Key]map[string]types.AttributeValue) error {
	in := &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{table: req}}
	for attempt := 1; ; attempt++ {
		res, err := db.BatchGetItem(ctx, in)
		if err != nil {
			return fmt.Errorf("batch get: %w", err)
		}
		for _, item := range res.Responses[table] {
			out[KeyOf(item)] = item
		}
		left, ok := res.UnprocessedKeys[table]
		if !ok || len(left.Keys) == 0 {
			return nil
		}
		if attempt == batchAttempts {
			return &UnprocessedError{Op: "batch get", Left: len(left.Keys), Attempts: attempt}
		}
		if err := pause(ctx, time.Duration(10<<attempt)*time.Millisecond); err != nil {
			return err
		}
		in.RequestItems = map[string]types.KeysAndAttributes{table: left}
	}
}

// UnprocessedError is a batch call that DynamoDB still left partly
// unprocessed after every attempt: it refused the work for now (its
// throughput), so the error reads as a throttle (ErrorCode), which the
// HTTP edge answers 503 with Retry-After, like the SDK's own throttles.
type UnprocessedError struct {
	Op       string // "batch get", "batch write"
	Left     int    // keys or requests still unprocessed
	Attempts int
}

func (e *UnprocessedError) Error() string {
	return fmt.Sprintf("%s: %d still unprocessed after %d attempts", e.Op, e.Left, e.Attempts)
}

// ErrorCode is DynamoDB's code for a refusal for throughput.
func (e *UnprocessedError) ErrorCode() string { return "ProvisionedThroughputExceededException" }

// KeyOf is the primary key of a stored item.
func KeyOf(item map[string]types.AttributeValue) Key {
	str := func(name string) string {
		s, _ := item[name].(*types.AttributeValueMemberS)
		if s == nil {
			return ""
		}
		return s.Value
	}
	return Key{PK: str("PK"), SK: str("SK")}
}

func pause(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// BatchDelete deletes keys in BatchWriteItem calls (25 at a time), sending
// again what DynamoDB left unprocessed. Absent items are no error.
func BatchDelete(ctx context.Context, t Table, keys []Key) error {
	db := t.DB
	for chunk := range slices.Chunk(keys, maxBatchWrites) {
		reqs := make([]types.WriteRequest, len(chunk))
		for i, k := range chunk {
			reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k.KeyAttrs()}}
		}
		if err := batchWriteAll(ctx, db, t.Name, reqs); err != nil {
			return err
		}
	}
	return nil
}

// batchWriteAll runs one request, and again for what it left unprocessed.
func batchWriteAll(ctx context.Context, db API, table string, reqs []types.WriteRequest) error {
	in := &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}}
	for attempt := 1; ; attempt++ {
		res, err := db.BatchWriteItem(ctx, in)
		if err != nil {
			return fmt.Errorf("batch write: %w", err)
		}
		left := res.UnprocessedItems[table]
		if len(left) == 0 {
			return nil
		}
		if attempt == batchAttempts {
			return &UnprocessedError{Op: "batch write", Left: len(left), Attempts: attempt}
		}
		if err := pause(ctx, time.Duration(10<<attempt)*time.Millisecond); err != nil {
			return err
		}
		in.RequestItems = map[string][]types.WriteRequest{table: left}
	}
}
