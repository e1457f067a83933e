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
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/ratelimit"
	"clientarea/internal/testsupport/apptest"
)

var ctx = context.Background()

// limiter is a limiter on a fresh table, taking as the function fn (the
// security function may touch only RATE#sms_* items, the auth function
// its RATE#auth_* request limits); db counts the reads and writes.
func limiter(t *testing.T, fn string) (l ratelimit.Limiter, env *apptest.Env, db *countingDB) {
	env = apptest.NewFor(t, fn)
	db = &countingDB{API: env.Deps.Table.DB}
	return ratelimit.Limiter{Table: dynamo.Table{DB: db, Name: env.Deps.Table.Name}}, env, db
}

// countingDB counts the read calls and the items they asked for, and
// leaves unprocessed the first `unprocessed` keys of each of the next
// `failBatches` BatchGetItem calls, as DynamoDB may when throttled.
type countingDB struct {
	dynamo.API
	gets, batches, reads, writes atomic.Int64
	failBatches                  atomic.Int64
	unprocessed                  int
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	c.reads.Add(1)
	return c.API.GetItem(ctx, in, opts...)
}

func (c *countingDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.batches.Add(1)
	var left map[string]types.KeysAndAttributes
	if c.failBatches.Add(-1) >= 0 {
		cut := map[string]types.KeysAndAttributes{}
		left = map[string]types.KeysAndAttributes{}
		for table, ka := range in.RequestItems {
			n := min(c.unprocessed, len(ka.Keys))
			l, r := ka, ka
			l.Keys, r.Keys = ka.Keys[:n], ka.Keys[n:]
			left[table], cut[table] = l, r
		}
		in = &dynamodb.BatchGetItemInput{RequestItems: cut}
	}
	asked := 0
	for _, ka := range in.RequestItems {
		asked += len(ka.Keys)
	}
	c.reads.Add(int64(asked))
	if asked == 0 { // every key left unprocessed
		return &dynamodb.BatchGetItemOutput{UnprocessedKeys: left}, nil
	}
	out, err := c.API.BatchGetItem(ctx, in, opts...)
	if err == nil && left != nil {
		out.UnprocessedKeys = left
	}
	return out, err
}

func (c *countingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.writes.Add(1)
	return c.API.TransactWriteItems(ctx, in, opts...)
}

func (c *countingDB) reset() {
	c.gets.Store(0)
	c.batches.Store(0)
	c.reads.Store(0)
	c.writes.Store(0)
}

// sendRules are rules shaped like an SMS's send budgets: six of one item
// and one spread over 16.
func sendRules(subject string) []ratelimit.Rule {
	return []ratelimit.Rule{
		{Kind: "sms_resend", Subject: subject + "#login", Gap: time.Minute},
		{Kind: "sms_number_hour", Subject: subject, Limit: 5, Per: time.Hour},
		{Kind: "sms_number_day", Subject: subject, Limit: 10, Per: 24 * time.Hour},
		{Kind: "sms_subject_hour", Subject: "client-1", Limit: 10, Per: time.Hour},
		{Kind: "sms_subject_day", Subject: "client-1", Limit: 20, Per: 24 * time.Hour},
		{Kind: "sms_ip_hour", Subject: "192.0.2.1", Limit: 20, Per: time.Hour},
		{Kind: "sms_stack_hour", Subject: "all", Limit: 200, Per: time.Hour, Shards: 16},
	}
}

// One read serves every rule of an action: a shard of each, seven items in
// one BatchGetItem (the note of the rule of several shards only once its
// shard is full), then one transaction. A Take of one rule reads its one
// item the same way.
func TestOneReadServesEveryRule(t *testing.T) {
	l, env, db := limiter(t, "security")
	if err := l.Take(ctx, env.Clock.Now(), sendRules("+4915112345678")...); err != nil {
		t.Fatal(err)
	}
	if b, n, g, w := db.batches.Load(), db.reads.Load(), db.gets.Load(), db.writes.Load(); b != 1 || n != 7 || g != 0 || w != 1 {
		t.Fatalf("%d BatchGetItem of %d items, %d GetItem, %d TransactWriteItems; want 1 of 7, 0, 1", b, n, g, w)
	}
	if n := len(env.ItemsOfType(dynamo.TypeRate)); n != 7 {
		t.Fatalf("%d rate items, want one slot of each of the 7 rules", n)
	}

	l, env, db = limiter(t, "auth")
	if err := l.Take(ctx, env.Clock.Now(), ratelimit.Rule{Kind: "auth_login_ip", Subject: "192.0.2.1", Limit: 3, Per: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if b, n, g, w := db.batches.Load(), db.reads.Load(), db.gets.Load(), db.writes.Load(); b != 1 || n != 1 || g != 0 || w != 1 {
		t.Fatalf("one rule: %d BatchGetItem of %d items, %d GetItem, %d TransactWriteItems; want 1 of 1, 0, 1", b, n, g, w)
	}
}

// Keys DynamoDB leaves unprocessed are asked for again, in the same Take;
// when they stay unprocessed the Take fails after a bounded number of
// reads, as unavailable (503 with Retry-After), and counts nothing.
func TestUnprocessedKeysAreReadAgain(t *testing.T) {
	l, env, db := limiter(t, "security")
	now := env.Clock.Now()
	db.failBatches.Store(1)
	db.unprocessed = 3
	if err := l.Take(ctx, now, sendRules("+4915112345678")...); err != nil {
		t.Fatal(err)
	}
	if b, n := db.batches.Load(), db.reads.Load(); b != 2 || n != 7 {
		t.Fatalf("%d BatchGetItem reading %d items, want 2 reading 7 (4, then the 3 left)", b, n)
	}
	// Every rule counted the action: the cooldown refuses the next one.
	if wait := retryAfter(t, l.Take(ctx, now.Add(time.Second), sendRules("+4915112345678")...)); wait != 59*time.Second {
		t.Fatalf("Retry-After %v, want the cooldown's 59s", wait)
	}

	db.reset()
	db.failBatches.Store(1 << 20)
	items := len(env.ItemsOfType(dynamo.TypeRate))
	err := l.Take(ctx, now.Add(time.Hour), sendRules("+4915112345679")...)
	if _, unavailable := awsclients.Unavailable(err); !unavailable {
		t.Fatalf("always unprocessed: %v, want a throttle (503)", err)
	}
	if b, w := db.batches.Load(), db.writes.Load(); b < 2 || b > 10 || w != 0 {
		t.Fatalf("%d BatchGetItem and %d TransactWriteItems, want a few reads and no write", b, w)
	}
	if n := len(env.ItemsOfType(dynamo.TypeRate)); n != items {
		t.Fatalf("%d rate items, were %d", n, items)
	}
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
	l, env, _ := limiter(t, "auth")
	rule := ratelimit.Rule{Kind: "auth_login_ip", Subject: "192.0.2.1", Limit: 3, Per: time.Hour}
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
	l, env, _ := limiter(t, "security")
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
	l, env, _ := limiter(t, "security")
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
	l, env, _ := limiter(t, "auth")
	rules := []ratelimit.Rule{
		{Kind: "auth_test_hour", Subject: "one-item", Limit: 5, Per: time.Hour},
		{Kind: "auth_test_hour", Subject: "sharded", Limit: 12, Per: time.Hour, Shards: 4},
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
	l, env, db := limiter(t, "security")
	rule := ratelimit.Rule{Kind: "sms_stack_hour", Subject: "all", Limit: 40, Per: time.Hour, Shards: 8}
	start := env.Clock.Now()
	for i := range 40 {
		if err := l.Take(ctx, start.Add(time.Duration(i)*time.Second), rule); err != nil {
			t.Fatalf("take %d of 40: %v", i+1, err)
		}
	}
	now := start.Add(time.Minute)
	db.reset()
	if wait := retryAfter(t, l.Take(ctx, now, rule)); wait != 59*time.Minute {
		t.Fatalf("Retry-After %v, want 59m", wait)
	}
	// its shard, the note (none yet), then the 7 others in one read
	if n, b, g := db.reads.Load(), db.batches.Load(), db.gets.Load(); n != 9 || b != 3 || g != 0 {
		t.Fatalf("the first refusal read %d items in %d BatchGetItem and %d GetItem, want 9 in 3 and 0", n, b, g)
	}
	for i := range 10 {
		db.reset()
		if wait := retryAfter(t, l.Take(ctx, now.Add(time.Duration(i)*time.Second), rule)); wait != 59*time.Minute-time.Duration(i)*time.Second {
			t.Fatalf("refusal %d: Retry-After %v", i, wait)
		}
		if n, b, g := db.reads.Load(), db.batches.Load(), db.gets.Load(); n != 2 || b != 2 || g != 0 {
			t.Fatalf("refusal %d read %d items in %d BatchGetItem and %d GetItem, want 2 (its shard, the note) in 2", i, n, b, g)
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
	l, env, _ := limiter(t, "security")
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
