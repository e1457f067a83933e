// Package dynamo holds what every DynamoDB user in the service shares: the
// client constructor with its endpoint override, the key layout, and helpers
// that read DynamoDB's condition and transaction failures.
package dynamo

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// NewClient returns a DynamoDB client; endpoint (DYNAMODB_ENDPOINT) points it
// at DynamoDB Local when set.
func NewClient(cfg aws.Config, endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			// DynamoDB Local sends no valid CRC32 on some error answers
			// (cancelled transactions); the SDK would warn on each.
			o.DisableValidateResponseChecksum = true
		}
	})
}

// API is the part of the DynamoDB client the service uses.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

// IsConditionFailed reports whether err is a failed condition: a
// ConditionalCheckFailedException, or a cancelled transaction any of whose
// items failed its condition.
func IsConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return true
	}
	for _, r := range CancellationReasons(err) {
		if r == "ConditionalCheckFailed" {
			return true
		}
	}
	return false
}

// FailedConditions returns the indexes of the transaction items whose
// condition failed, so a caller can tell which rule was broken.
func FailedConditions(err error) []int {
	var idx []int
	for i, r := range CancellationReasons(err) {
		if r == "ConditionalCheckFailed" {
			idx = append(idx, i)
		}
	}
	return idx
}

// IsTransactionConflict reports whether a transaction was cancelled only
// because another one was writing the same items at the same time; such a
// transaction may be retried as it is.
func IsTransactionConflict(err error) bool {
	conflict := false
	for _, r := range CancellationReasons(err) {
		switch r {
		case "TransactionConflict":
			conflict = true
		case "None", "":
		default:
			return false
		}
	}
	return conflict
}

// CancellationReasons returns the per-item reason codes of a cancelled
// transaction ("None", "ConditionalCheckFailed", "TransactionConflict"...).
func CancellationReasons(err error) []string {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil
	}
	reasons := make([]string, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		reasons[i] = aws.ToString(r.Code)
	}
	if len(reasons) == 0 { // some servers put the reasons only in the message
		msg := aws.ToString(tce.Message)
		if i := strings.Index(msg, "["); i >= 0 {
			for _, part := range strings.Split(strings.Trim(msg[i:], "[]"), ",") {
				reasons = append(reasons, strings.TrimSpace(part))
			}
		}
	}
	return reasons
}

// maxConflictRetries is how often TransactWrite retries a transaction that
// only collided with another one.
const maxConflictRetries = 4

// TransactWrite runs items as one transaction. A transaction cancelled only
// because another one touched the same items at the same moment decided
// nothing, so it is retried (a few times, briefly backing off); the
// conditions then decide. Other errors are returned as they are.
func (t Table) TransactWrite(ctx context.Context, items []types.TransactWriteItem) error {
	for attempt := 0; ; attempt++ {
		_, err := t.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil || !IsTransactionConflict(err) || attempt == maxConflictRetries {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10*(attempt+1)) * time.Millisecond):
		}
	}
}
