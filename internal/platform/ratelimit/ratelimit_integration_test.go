package ratelimit_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/ratelimit"
	"clientarea/internal/testsupport/apptest"
)

var ctx = context.Background()

// limiter is a limiter on a fresh table, taking as the function that
// limits SMS, whose policies allow only RATE#sms_* items; reads counts its
// reads.
func limiter(t *testing.T) (l ratelimit.Limiter, env *apptest.Env, reads *atomic.Int64) {
	env = apptest.NewFor(t, "security")
	db := &countingDB{API: env.Deps.Table.DB}
	return ratelimit.Limiter{Table: dynamo.Table{DB: db, Name: env.Deps.Table.Name}}, env, &db.reads
}

type countingDB struct {
	dynamo.API
	reads atomic.Int64
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.reads.Add(1)
	return c.API.GetItem(ctx, in, opts...)
}

// retryAfter is err's Retry-After, failing t unless err is rate_limited.
func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != "rate_limited" {
		t.Fatalf("error %v, want rate_limited", err)
	}
	return e.RetryAfter
}

// Concurrent requests cannot overrun a limit: a slot is taken by a
// conditional update, not a read followed by a blind write.
func TestConcurrentTakesNeverExceedTheLimit(t *testing.T) {
	l, env, _ := limiter(t)
	rule := ratelimit.Rule{Kind: "sms_number_hour", Subject: "+4915112345678", Limit: 3, Per: time.Hour}
	const n = 12
	errs := apptest.Concurrently(n, func(int) error { return l.Take(ctx, env.Clock.Now(), rule) })
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if wait := retryAfter(t, err); wait != time.Hour {
			t.Fatalf("Retry-After %v, want 1h", wait)
		}
	}
	if ok != 3 {
		t.Fatalf("%d of %d takes admitted, want 3", ok, n)
	}
}

// When one rule refuses, no rule counts: the refused action used nothing.
func TestARefusedTakeCountsNothing(t *testing.T) {
	l, env, _ := limiter(t)
	now := env.Clock.Now()
	cooldown := ratelimit.Rule{Kind: "sms_resend", Subject: "s", Gap: time.Minute}
	hourly := ratelimit.Rule{Kind: "sms_number_hour", Subject: "s", Limit: 2, Per: time.Hour}
	if err := l.Take(ctx, now, cooldown, hourly); err != nil {
		t.Fatal(err)
	}
	for range 5 { // refused by the cooldown: the hourly rule must keep a free slot
		if wait := retryAfter(t, l.Take(ctx, now.Add(10*time.Second), cooldown, hourly)); wait != 50*time.Second {
			t.Fatalf("during the cooldown: Retry-After %v", wait)
		}
	}
	if err := l.Take(ctx, now.Add(time.Minute), cooldown, hourly); err != nil {
		t.Fatalf("second action after the cooldown: %v", err)
	}
	if wait := retryAfter(t, l.Take(ctx, now.Add(2*time.Minute), cooldown, hourly)); wait != 58*time.Minute {
		t.Fatalf("third action in the hour: Retry-After %v, want 58m", wait)
	}
}

// Retry-After is the time until every full rule admits again: the longest
// of their waits.
func TestRetryAfterWaitsForEveryFullRule(t *testing.T) {
	l, env, _ := limiter(t)
	now := env.Clock.Now()
	cooldown := ratelimit.Rule{Kind: "sms_resend", Subject: "s", Gap: 90 * time.Second}
	hourly := ratelimit.Rule{Kind: "sms_number_hour", Subject: "s", Limit: 1, Per: time.Hour}
	daily := ratelimit.Rule{Kind: "sms_number_day", Subject: "s", Limit: 3, Per: 24 * time.Hour}
	if err := l.Take(ctx, now, cooldown, hourly, daily); err != nil {
		t.Fatal(err)
	}
	if wait := retryAfter(t, l.Take(ctx, now.Add(30*time.Second), cooldown, hourly, daily)); wait != time.Hour-30*time.Second {
		t.Fatalf("Retry-After %v, want the hourly rule's 59m30s", wait)
	}
	if wait := retryAfter(t, l.Take(ctx, now.Add(30*time.Second), cooldown, daily)); wait != time.Minute {
		t.Fatalf("Retry-After %v, want the cooldown's 1m", wait)
	}
}

// The limiter's decisions are those of an exact sliding window: an action
// at t is admitted if and only if fewer than Limit admitted actions lie in
// (t-Per, t], and a refusal's Retry-After is exactly when the oldest of
// them leaves the window. Checked against that model over random bursts
// and pauses, for a rule of one item and one spread over several.
func TestDecisionsAreThoseOfAnExactSlidingWindow(t *testing.T) {
	l, env, _ := limiter(t)
	rules := []ratelimit.Rule{
		{Kind: "sms_number_hour", Subject: "one-item", Limit: 5, Per: time.Hour},
		{Kind: "sms_stack_hour", Subject: "sharded", Limit: 12, Per: time.Hour, Shards: 4},
	}
	for _, rule := range rules {
		t.Run(rule.Subject, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(rule.Limit)))
			var admitted []time.Time
			now := env.Clock.Now()
			decisions := map[bool]int{}
			for range 150 {
				now = now.Add(randomStep(rng))
				var inWindow []time.Time
				for _, at := range admitted {
					if at.After(now.Add(-rule.Per)) {
						inWindow = append(inWindow, at)
					}
				}
				err := l.Take(ctx, now, rule)
				want := len(inWindow) < rule.Limit
				decisions[want]++
				switch {
				case want && err != nil:
					t.Fatalf("at %v with %d in the window: %v, want admitted", now, len(inWindow), err)
				case want:
					admitted = append(admitted, now)
				case err == nil:
					t.Fatalf("at %v with %d in the window: admitted", now, len(inWindow))
				default:
					if wait, exact := retryAfter(t, err), inWindow[0].Add(rule.Per).Sub(now); wait != exact {
						t.Fatalf("at %v: Retry-After %v, want %v", now, wait, exact)
					}
				}
			}
			if decisions[true] < 25 || decisions[false] < 25 {
				t.Fatalf("decisions %v: the steps do not exercise both", decisions)
			}
		})
	}
}

// randomStep is mostly bursts (milliseconds to seconds apart), sometimes
// minutes, now and then most of an hour.
func randomStep(rng *rand.Rand) time.Duration {
	switch p := rng.IntN(100); {
	case p < 60:
		return time.Duration(rng.IntN(2000)) * time.Millisecond
	case p < 92:
		return time.Duration(rng.IntN(10*60)) * time.Second
	default:
		return time.Duration(30+rng.IntN(30)) * time.Minute
	}
}

// A rule spread over shards is full only when all of them are; then one
// action notes it, and later refusals read two items (their shard and the
// note), not every shard. The note holds until the first slot frees, and
// only for the settings it was made under.
func TestAFullShardedRuleIsNotedOnce(t *testing.T) {
	l, env, reads := limiter(t)
	rule := ratelimit.Rule{Kind: "sms_stack_hour", Subject: "all", Limit: 40, Per: time.Hour, Shards: 8}
	start := env.Clock.Now()
	for i := range 40 {
		if err := l.Take(ctx, start.Add(time.Duration(i)*time.Second), rule); err != nil {
			t.Fatalf("take %d of 40: %v", i+1, err)
		}
	}
	now := start.Add(time.Minute)
	reads.Store(0)
	if wait := retryAfter(t, l.Take(ctx, now, rule)); wait != 59*time.Minute {
		t.Fatalf("Retry-After %v, want 59m", wait)
	}
	if n := reads.Load(); n != 9 { // its shard, the note (none yet), the 7 others
		t.Fatalf("the first refusal read %d items, want 9", n)
	}
	for i := range 10 {
		reads.Store(0)
		if wait := retryAfter(t, l.Take(ctx, now.Add(time.Duration(i)*time.Second), rule)); wait != 59*time.Minute-time.Duration(i)*time.Second {
			t.Fatalf("refusal %d: Retry-After %v", i, wait)
		}
		if n := reads.Load(); n != 2 {
			t.Fatalf("refusal %d read %d items, want 2", i, n)
		}
	}
	// At 10:00 the first slot frees (and only it), whatever the note said.
	if err := l.Take(ctx, start.Add(time.Hour), rule); err != nil {
		t.Fatalf("when the first slot frees: %v", err)
	}
	if wait := retryAfter(t, l.Take(ctx, start.Add(time.Hour), rule)); wait != time.Second {
		t.Fatalf("Retry-After %v, want 1s (the second slot)", wait)
	}
	// More slots (the settings changed): the note of the old layout is ignored.
	more := rule
	more.Limit = 41
	if err := l.Take(ctx, start.Add(time.Hour), more); err != nil {
		t.Fatalf("with a 41st slot: %v", err)
	}
}

// The items: under RATE#sms_<kind>#<subject>#<shard> (the partitions the
// sending functions may touch), with a type, a ttl a window after the
// action plus a margin, and one number per slot.
func TestItemLayout(t *testing.T) {
	l, env, _ := limiter(t)
	now := env.Clock.Now()
	rules := []ratelimit.Rule{
		{Kind: "sms_resend", Subject: "+4915112345678#login", Gap: time.Minute},
		{Kind: "sms_stack_hour", Subject: "all", Limit: 3, Per: time.Hour, Shards: 3},
	}
	if err := l.Take(ctx, now, rules...); err != nil {
		t.Fatal(err)
	}
	items := env.ItemsOfType(dynamo.TypeRate)
	var keys []string
	for _, it := range items {
		pk := it["PK"].(*types.AttributeValueMemberS).Value
		keys = append(keys, pk)
		window := time.Minute
		if strings.HasPrefix(pk, "RATE#sms_stack_hour#") {
			window = time.Hour
		}
		want := map[string]string{"SK": "RATE", "type": "rate", "s0": itoa(now.UnixMilli()), "ttl": itoa(now.Add(window + time.Hour).Unix())}
		for name, v := range want {
			if got := attr(it[name]); got != v {
				t.Errorf("%s: %s = %s, want %s", pk, name, got, v)
			}
		}
		if len(it) != 5 {
			t.Errorf("%s has %d attributes, want 5", pk, len(it))
		}
	}
	slices.Sort(keys)
	if len(keys) != 2 || keys[0] != "RATE#sms_resend#+4915112345678#login#0" || !strings.HasPrefix(keys[1], "RATE#sms_stack_hour#all#") {
		t.Fatalf("items %v", keys)
	}
}

func itoa(n int64) string { return dynamo.N(n).(*types.AttributeValueMemberN).Value }

func attr(av types.AttributeValue) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return ""
}
