package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// The exhaustion hint. Once a rule of several shards is full, every action
// would read all of its shards only to be refused: the costliest moment to
// be slow, since it is when someone is hammering the rule. So the action
// that finds them all full notes in one more item (dynamo.RateHintKey) the
// soonest time any of their slots frees, and later actions, finding their
// own shard full, read that note instead of the others.
//
// The note is a fact, not a guess: a full shard's slots only free as time
// passes (an action takes only a free slot), so none can free before the
// soonest time read. It holds for the slot layout it was computed under
// (limit, window and shards, changed by the settings), and is ignored for
// any other; a stale note is simply overwritten.

// readHint is until when every shard of b is known to be full (unix ms),
// or 0. It is read only once the action's own shard was found full: were
// it read with the shards, every action would read this one item, and it
// would bound how many actions a second the rule serves.
func (l Limiter) readHint(ctx context.Context, b budget) (int64, error) {
	items, err := l.read(ctx, []dynamo.Key{b.hintKey()})
	if err != nil {
		return 0, fmt.Errorf("read rate limit %s hint: %w", b.Kind, err)
	}
	item := items[b.hintKey()]
	if layout, _ := item["layout"].(*types.AttributeValueMemberS); layout == nil || layout.Value != b.layout() {
		return 0, nil
	}
	until, err := millis(item["until"])
	if err != nil {
		return 0, fmt.Errorf("rate limit %s hint: %w", b.Kind, err)
	}
	return until, nil
}

// noteFull leaves the hint that every shard of b is full until until. The
// refusal stands without it, so a failure to write it fails nothing: it
// is logged, and the next action reads every shard again.
func (l Limiter) noteFull(ctx context.Context, b budget, until int64) {
	if err := l.writeHint(ctx, b, until); err != nil {
		slog.WarnContext(ctx, "rate limit hint not written", "kind", b.Kind, "error", err.Error())
	}
}

// writeHint notes that every shard of b is full until until (unix ms).
func (l Limiter) writeHint(ctx context.Context, b budget, until int64) error {
	_, err := l.Table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(l.Table.Name),
		Key:                      b.hintKey().KeyAttrs(),
		UpdateExpression:         aws.String("SET #until = :until, #layout = :layout, #type = :type, #ttl = :ttl"),
		ExpressionAttributeNames: map[string]string{"#until": "until", "#layout": "layout", "#type": "type", "#ttl": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":until":  dynamo.N(until),
			":layout": dynamo.S(b.layout()),
			":type":   dynamo.S(dynamo.TypeRate),
			":ttl":    dynamo.N(time.UnixMilli(until).Add(ttlMargin).Unix()),
		},
	})
	if err != nil {
		return fmt.Errorf("note rate limit %s full: %w", b.Kind, err)
	}
	return nil
}

func (b budget) hintKey() dynamo.Key { return dynamo.RateHintKey(b.Kind, b.Subject) }
