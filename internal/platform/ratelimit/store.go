package ratelimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// read reads keys, strongly consistent, in one round trip: one
// BatchGetItem (dynamo.BatchGet, which asks again, a bounded number of
// times, for the keys DynamoDB left unprocessed), whether for several
// rules or one: a BatchGetItem of one key costs what a GetItem does, and
// one kind of read keeps one grant per limited function. A key listed
// twice is read once. Absent items are absent from the answer.
func (l Limiter) read(ctx context.Context, keys []dynamo.Key) (map[dynamo.Key]map[string]types.AttributeValue, error) {
	return dynamo.BatchGet(ctx, l.Table, unique(keys), dynamo.Projection{})
}

func unique(keys []dynamo.Key) []dynamo.Key {
	seen := make(map[dynamo.Key]bool, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// decodeShard is shard i of b from its item (nil: never written).
func decodeShard(b budget, i int, item map[string]types.AttributeValue) (shard, error) {
	s := shard{index: i, slots: make([]int64, b.sizes[i])}
	for j := range s.slots {
		var err error
		if s.slots[j], err = millis(item[slotName(j)]); err != nil {
			return shard{}, fmt.Errorf("rate limit %s slot %d: %w", b.Kind, j, err)
		}
	}
	return s, nil
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
// is full: in random order, scanBatch at a time (each batch one read),
// unless the note says all are full. Having found none, it leaves that
// note for the next actions.
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

// readShards reads the listed shards of b in one read.
func (l Limiter) readShards(ctx context.Context, b budget, indexes []int) ([]shard, error) {
	keys := make([]dynamo.Key, len(indexes))
	for i, idx := range indexes {
		keys[i] = b.shardKey(idx)
	}
	items, err := l.read(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read rate limit %s: %w", b.Kind, err)
	}
	shards := make([]shard, len(indexes))
	for i, idx := range indexes {
		if shards[i], err = decodeShard(b, idx, items[keys[i]]); err != nil {
			return nil, err
		}
	}
	return shards, nil
}
