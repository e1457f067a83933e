// Package ratelimit counts actions per subject in the table, so that limits
// hold across every Lambda instance: "at most N per hour" (a fixed-window
// counter) and "at least this long between two" (a cooldown). All the rules
// of one action are taken in one transaction of conditional updates: either
// every rule admits the action and all of them count it, or none does.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Rule limits one kind of action of one subject. Set Limit and Per for a
// window rule, or Gap for a cooldown; a rule with neither is ignored.
type Rule struct {
	Kind    string // what is limited: "sms_hour", "sms_cooldown"...
	Subject string // whom it is limited for: an E.164 number...
	Limit   int    // at most Limit actions per window of length Per
	Per     time.Duration
	Gap     time.Duration // at least Gap between two actions
}

func (r Rule) cooldown() bool { return r.Limit == 0 && r.Gap > 0 }
func (r Rule) window() bool   { return r.Limit > 0 && r.Per > 0 }

// windowStart is the start of the fixed window holding now.
func (r Rule) windowStart(now time.Time) time.Time { return now.Truncate(r.Per) }

func (r Rule) key(now time.Time) dynamo.Key {
	if r.cooldown() {
		return dynamo.RateKey(r.Kind, r.Subject, "last")
	}
	return dynamo.RateKey(r.Kind, r.Subject, r.windowStart(now).UTC().Format("20060102T150405Z"))
}

// Limiter takes actions against rules stored in a table.
type Limiter struct{ Table dynamo.Table }

// Take counts one action against every rule, or, if any rule is exhausted,
// counts nothing and answers 429 rate_limited with the time until all of the
// exhausted rules admit the action again.
func (l Limiter) Take(ctx context.Context, now time.Time, rules ...Rule) error {
	var active []Rule
	var items []types.TransactWriteItem
	for _, r := range rules {
		if r.cooldown() || r.window() {
			active = append(active, r)
			items = append(items, types.TransactWriteItem{Update: l.update(r, now)})
		}
	}
	if len(items) == 0 {
		return nil
	}
	err := l.Table.TransactWrite(ctx, items)
	switch {
	case err == nil:
		return nil
	case dynamo.IsConditionFailed(err):
		return l.limited(ctx, now, active, dynamo.FailedConditions(err))
	default:
		return fmt.Errorf("take rate limit %s: %w", active[0].Kind, err)
	}
}

func (l Limiter) update(r Rule, now time.Time) *types.Update {
	names := map[string]string{"#type": "type", "#ttl": "ttl"}
	values := map[string]types.AttributeValue{":type": dynamo.S(dynamo.TypeRate)}
	u := &types.Update{TableName: aws.String(l.Table.Name), Key: r.key(now).KeyAttrs(),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values}
	if r.cooldown() {
		next := now.Add(r.Gap)
		values[":next"] = dynamo.S(next.UTC().Format(dynamo.SortableTime))
		values[":now"] = dynamo.S(now.UTC().Format(dynamo.SortableTime))
		values[":ttl"] = dynamo.N(next.Add(time.Hour).Unix())
		u.UpdateExpression = aws.String("SET #type = :type, #ttl = :ttl, next_at = :next")
		u.ConditionExpression = aws.String("attribute_not_exists(next_at) OR next_at <= :now")
		return u
	}
	end := r.windowStart(now).Add(r.Per)
	names["#n"] = "count"
	values[":one"] = dynamo.N(1)
	values[":limit"] = dynamo.N(int64(r.Limit))
	values[":ttl"] = dynamo.N(end.Add(time.Hour).Unix())
	u.UpdateExpression = aws.String("SET #type = :type, #ttl = :ttl ADD #n :one")
	u.ConditionExpression = aws.String("attribute_not_exists(#n) OR #n < :limit")
	return u
}

// limited builds the 429 for the rules whose condition failed.
func (l Limiter) limited(ctx context.Context, now time.Time, rules []Rule, failed []int) error {
	var wait time.Duration
	for _, i := range failed {
		if i >= len(rules) {
			continue
		}
		w, err := l.waitFor(ctx, rules[i], now)
		if err != nil {
			return err
		}
		wait = max(wait, w)
	}
	wait = max(wait, time.Second)
	return &apperr.Error{Kind: apperr.RateLimited, Code: "rate_limited", RetryAfter: wait,
		Detail: fmt.Sprintf("too many requests; try again in %d seconds", int((wait+time.Second-1)/time.Second))}
}

// waitFor is how long until rule r admits an action again.
func (l Limiter) waitFor(ctx context.Context, r Rule, now time.Time) (time.Duration, error) {
	if r.window() {
		return r.windowStart(now).Add(r.Per).Sub(now), nil
	}
	// A cooldown's end is in the item; reading it only sizes the answer's
	// Retry-After, the decision was the condition's.
	out, err := l.Table.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.Table.Name), Key: r.key(now).KeyAttrs(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return 0, fmt.Errorf("read rate limit %s: %w", r.Kind, err)
	}
	next, _ := out.Item["next_at"].(*types.AttributeValueMemberS)
	if next == nil {
		return r.Gap, nil
	}
	at, err := time.Parse(time.RFC3339Nano, next.Value)
	if err != nil {
		return r.Gap, nil
	}
	return at.Sub(now), nil
}
