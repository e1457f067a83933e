package ratelimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// How the slots are stored: one item per shard (dynamo.RateShardKey), one
// number attribute per slot, "s0", "s1"... holding its time in unix
// milliseconds, with "type" and "ttl". One attribute per slot lets an
// action take a slot with a condition on that slot alone, so two actions
// taking different slots of one shard never fail each other's condition.

// ttlMargin keeps an item past its last window, so that DynamoDB's late
// deletion never races a read; reads decide on the times anyway.
const ttlMargin = time.Hour

// scanBatch is how many shards search reads at a time.
const scanBatch = 16

func slotName(i int) string { return "s" + strconv.Itoa(i) }

func (b budget) shardKey(i int) dynamo.Key { return dynamo.RateShardKey(b.Kind, b.Subject, i) }

// readShard reads shard i of b.
func (l Limiter) readShard(ctx context.Context, b budget, i int) (shard, error) {
	item, err := l.read(ctx, b, b.shardKey(i))
	if err != nil {
		return shard{}, err
	}
	s := shard{index: i, slots: make([]int64, b.sizes[i])}
	for j := range s.slots {
		if s.slots[j], err = millis(item[slotName(j)]); err != nil {
			return shard{}, fmt.Errorf("rate limit %s slot %d: %w", b.Kind, j, err)
		}
	}
	return s, nil
}

// read is a strongly consistent read of one of b's items.
func (l Limiter) read(ctx context.Context, b budget, key dynamo.Key) (map[string]types.AttributeValue, error) {
	out, err := l.Table.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.Table.Name), Key: key.KeyAttrs(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("read rate limit %s: %w", b.Kind, err)
	}
	return out.Item, nil
}

// millis reads a stored time; a missing one is 0, a slot never used.
func millis(av types.AttributeValue) (int64, error) {
	if av == nil {
		return 0, nil
	}
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("not a number: %T", av)
	}
	return strconv.ParseInt(n.Value, 10, 64)
}

// take is the transaction item that records an action at now in c's slot,
// on the condition that the slot is still free.
func (l Limiter) take(c claim, now time.Time) *types.Update {
	return &types.Update{
		TableName:           aws.String(l.Table.Name),
		Key:                 c.shardKey(c.shard).KeyAttrs(),
		UpdateExpression:    aws.String("SET #slot = :at, #type = :type, #ttl = :ttl"),
		ConditionExpression: aws.String("attribute_not_exists(#slot) OR #slot <= :cutoff"),
		ExpressionAttributeNames: map[string]string{
			"#slot": slotName(c.slot), "#type": "type", "#ttl": "ttl",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at":     dynamo.N(stamp(now)),
			":cutoff": dynamo.N(c.cutoff(now)),
			":type":   dynamo.S(dynamo.TypeRate),
			":ttl":    dynamo.N(now.Add(c.per + ttlMargin).Unix()),
		},
	}
}

// search looks for a free slot of b in the shards other than first, which
// is full: in random order, scanBatch at a time, unless a hint says all are
// full. Having found none, it leaves that hint for the next actions.
func (l Limiter) search(ctx context.Context, now time.Time, b budget, first shard) (outcome, error) {
	until, err := l.readHint(ctx, b)
	if err != nil {
		return outcome{}, err
	}
	if until > now.UnixMilli() {
		return outcome{wait: waitUntil(until, now)}, nil
	}
	soonest := first.freeAt(b.window())
	others := otherShards(len(b.sizes), first.index)
	for len(others) > 0 {
		n := min(scanBatch, len(others))
		shards, err := l.readShards(ctx, b, others[:n])
		if err != nil {
			return outcome{}, err
		}
		for _, s := range shards {
			if slot, ok := s.pick(b.cutoff(now), rand.IntN); ok {
				return outcome{claim: claim{budget: b, shard: s.index, slot: slot}}, nil
			}
			soonest = min(soonest, s.freeAt(b.window()))
		}
		others = others[n:]
	}
	l.noteFull(ctx, b, soonest)
	return outcome{wait: waitUntil(soonest, now)}, nil
}

// otherShards lists the shards of n but skip, in random order.
func otherShards(n, skip int) []int {
	out := make([]int, 0, n-1)
	for _, i := range rand.Perm(n) {
		if i != skip {
			out = append(out, i)
		}
	}
	return out
}

// readShards reads the listed shards of b at the same time.
func (l Limiter) readShards(ctx context.Context, b budget, indexes []int) ([]shard, error) {
	shards := make([]shard, len(indexes))
	err := each(len(indexes), func(i int) (err error) {
		shards[i], err = l.readShard(ctx, b, indexes[i])
		return err
	})
	return shards, err
}
