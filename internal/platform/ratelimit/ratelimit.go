// Package ratelimit enforces "at most N actions in any window of length W"
// per subject, in the table, so that limits hold across every Lambda
// instance, exactly: no burst, concurrent or across a clock boundary, gets
// more than N actions into any W-long stretch of time.
//
// Slots. A rule of limit N has N slots, each holding the time of the last
// action it admitted. An action takes a slot that was never used or whose
// time is at least W old, and writes its own time there, on the condition
// that the slot still is that old. So the times one slot holds one after
// another lie at least W apart, any W-long stretch of time holds at most one
// of them, and at most N for the N slots: a sliding window, with no window
// boundary to burst across. A refused action finds every slot taken; it may
// retry when the oldest of them is W old, and that is its Retry-After. A
// cooldown ("at least W between two") is the rule of one slot.
//
// One transaction. All the rules of one action are taken together: the
// action reads a shard of each rule (strongly consistent, all of them in
// one BatchGetItem), picks a free slot in each, and writes them in one
// TransactWriteItems whose conditions are those slot conditions. Either
// every rule admits the action and all of them record it, or none does. A
// rule without a free slot refuses the action before anything is written,
// so a refusal costs reads only. A transaction cancelled because another
// action took the same slot first, or wrote one of the same items at the
// same moment, decided nothing: the action reads again and retries, a bounded number of times with jittered
// backoff, and only the conditions ever decide.
//
// Shards. A rule's slots are spread over items of at most 100 slots each,
// to bound an item's size (and so each write's cost), and over more when
// the rule asks for it (Rule.Shards): a rule every action takes, such as a
// stack-wide budget, would otherwise be one item that all concurrent actions
// write. An action takes a slot in a shard picked at random, and reads the
// other shards only when that one is full, so the limit stays the sum of the
// shards' slots, exactly. Having found all of them full, it notes until when
// (hint.go), and later actions read that note instead of every shard again.
//
// Changing a limit. A rule reads as many slots as its limit (spread as
// the limit and Shards say). Raising the limit adds free slots, exactly;
// lowering it leaves the slots beyond the new size, and the actions they
// hold, unread, so a lowered limit holds fully one window after the change.
//
// Items carry a ttl a window after their newest slot (plus a margin), but
// the slots' times decide, not whether DynamoDB has deleted an item yet.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Rule limits one kind of action of one subject: at most Limit actions in
// any window of length Per, or, with Gap instead, at least Gap between two
// actions. A rule with neither, or without a subject, is ignored. The rules of one Take must be
// distinct (Kind and Subject).
type Rule struct {
	Kind    string // what is limited: "sms_number_hour"...; starts the items' keys
	Subject string // whom it is limited for: an E.164 number, a client id...
	Limit   int
	Per     time.Duration
	Gap     time.Duration
	// Shards spreads the slots over at least this many items (never more
	// than there are slots), for a rule that every action takes: concurrent
	// actions then mostly write different items and do not collide.
	Shards int
}

// Limiter takes actions against rules stored in a table.
type Limiter struct{ Table dynamo.Table }

// Retries of a transaction that lost a race: up to maxAttempts attempts,
// sleeping a random time up to backoffBase doubled per attempt (at most
// backoffMax) in between, so that colliding actions spread out.
const (
	maxAttempts = 20
	backoffBase = 4 * time.Millisecond
	backoffMax  = 100 * time.Millisecond
)

// Take counts one action against every rule, or, if any rule is full,
// counts nothing and answers 429 rate_limited with the time until every
// full rule admits an action again.
func (l Limiter) Take(ctx context.Context, now time.Time, rules ...Rule) error {
	budgets := budgetsOf(rules)
	if len(budgets) == 0 {
		return nil
	}
	outs := make([]outcome, len(budgets))
	redo := all(len(budgets))
	for attempt := 1; ; attempt++ {
		if err := l.plan(ctx, now, budgets, outs, redo); err != nil {
			return err
		}
		if wait := longestWait(outs); wait > 0 {
			return limited(wait)
		}
		err := l.commit(ctx, now, outs)
		switch {
		case err == nil:
			return nil
		case !lostRace(err):
			return fmt.Errorf("take rate limits %s: %w", kinds(budgets), err)
		case attempt == maxAttempts:
			slog.WarnContext(ctx, "rate limits contended: every attempt lost a race", "kinds", kinds(budgets),
				"attempts", attempt, "last_reasons", dynamo.CancellationReasons(err))
			return busy()
		}
		redo = lost(err, len(budgets))
		if err := pause(ctx, attempt); err != nil {
			return err
		}
	}
}

// budgetsOf is what rules take: those with a subject (a rule for a
// source address a local call lacks has none) that limit something.
func budgetsOf(rules []Rule) []budget {
	var out []budget
	for _, r := range rules {
		if b, ok := r.budget(); ok && r.Subject != "" {
			out = append(out, b)
		}
	}
	return out
}

// kinds names the budgets, in their order in a transaction, for errors
// and logs (never their subjects: numbers, addresses).
func kinds(budgets []budget) string {
	names := make([]string, len(budgets))
	for i, b := range budgets {
		names[i] = b.Kind
	}
	return strings.Join(names, ",")
}

// claim is the slot an action takes in one rule: slot of shard.
type claim struct {
	budget
	shard, slot int
}

// outcome is one rule's answer to an action: a claim, or, when the rule
// is full, how long until it admits one.
type outcome struct {
	claim claim
	wait  time.Duration
}

// plan reads the rules listed in redo and chooses a slot in each, or finds
// it full, into outs. The other rules keep their earlier choice: their
// items were not contended, so it most likely holds, and if not, their own
// condition fails and the next attempt redoes them.
//
// One read serves every rule: a shard of each, picked at random, all in
// one BatchGetItem. Only a rule of several shards whose shard is full
// reads more (search: its exhaustion note, then the other shards).
func (l Limiter) plan(ctx context.Context, now time.Time, budgets []budget, outs []outcome, redo []int) error {
	first := make([]int, len(redo))
	keys := make([]dynamo.Key, 0, len(redo))
	for i, r := range redo {
		b := budgets[r]
		first[i] = rand.IntN(len(b.sizes))
		keys = append(keys, b.shardKey(first[i]))
	}
	items, err := l.read(ctx, keys)
	if err != nil {
		return fmt.Errorf("read rate limits %s: %w", kinds(budgets), err)
	}
	type full struct {
		at    int // index in budgets
		shard shard
	}
	var searching []full
	for i, r := range redo {
		b := budgets[r]
		s, err := decodeShard(b, first[i], items[b.shardKey(first[i])])
		if err != nil {
			return err
		}
		if slot, ok := s.pick(b.cutoff(now), rand.IntN); ok {
			outs[r] = outcome{claim: claim{budget: b, shard: s.index, slot: slot}}
			continue
		}
		if len(b.sizes) == 1 {
			outs[r] = outcome{wait: waitUntil(s.freeAt(b.window()), now)}
			continue
		}
		searching = append(searching, full{at: r, shard: s})
	}
	return each(len(searching), func(i int) (err error) {
		f := searching[i]
		outs[f.at], err = l.search(ctx, now, budgets[f.at], f.shard)
		return err
	})
}

// longestWait is how long until every full rule admits an action: 0 when
// none is full.
func longestWait(outs []outcome) time.Duration {
	var wait time.Duration
	for _, o := range outs {
		wait = max(wait, o.wait)
	}
	return wait
}

// commit writes the outcomes' claims in one transaction. Not Table.TransactWrite,
// which retries a conflict as the same transaction: a lost race here is
// retried by Take with a fresh plan (new reads, new random slots).
func (l Limiter) commit(ctx context.Context, now time.Time, outs []outcome) error {
	items := make([]types.TransactWriteItem, len(outs))
	for i, o := range outs {
		items[i] = types.TransactWriteItem{Update: l.take(o.claim, now)}
	}
	_, err := l.Table.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return err
}

// lostRace reports whether a transaction was cancelled only by other
// actions: a slot taken first (its condition failed), or an item being
// written at the same moment. Such a transaction decided nothing.
func lostRace(err error) bool {
	lost := false
	for _, r := range dynamo.CancellationReasons(err) {
		switch r {
		case "ConditionalCheckFailed", "TransactionConflict", "ThrottlingError":
			lost = true
		case "None", "":
		default:
			return false
		}
	}
	return lost
}

// lost lists the rules (transaction items) of n whose write a concurrent
// action cancelled; all of them when the answer does not say.
func lost(err error, n int) []int {
	var out []int
	for i, r := range dynamo.CancellationReasons(err) {
		if r != "None" && r != "" && i < n {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return all(n)
	}
	return out
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func pause(ctx context.Context, attempt int) error {
	ceiling := min(backoffBase<<(attempt-1), backoffMax)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(rand.N(ceiling) + 1):
		return nil
	}
}

// limited is the 429 of a full rule; wait is rounded up to the second in
// the detail as in Retry-After.
func limited(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &apperr.Error{Kind: apperr.RateLimited, Code: "rate_limited", RetryAfter: wait,
		Detail: fmt.Sprintf("too many requests; try again in %d seconds", secs)}
}

// busy is the answer when every attempt lost a race: nothing was counted
// and the limits were not reached, so the caller may retry at once.
func busy() error {
	return &apperr.Error{Kind: apperr.RateLimited, Code: "rate_limited", RetryAfter: time.Second,
		Detail: "too many requests at the same moment; try again in a second"}
}

// each runs fn(0) … fn(n-1) concurrently and returns the first error.
func each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
