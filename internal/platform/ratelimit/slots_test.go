package ratelimit

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var t0 = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

func ms(t time.Time) int64 { return t.UnixMilli() }

func TestRulesNormalize(t *testing.T) {
	cases := []struct {
		rule         Rule
		ok           bool
		limit        int
		per          time.Duration
		shards       []int
		wantedLayout string
	}{
		{Rule{Limit: 5, Per: time.Hour}, true, 5, time.Hour, []int{5}, "5/3600000ms/1"},
		{Rule{Gap: time.Minute}, true, 1, time.Minute, []int{1}, "1/60000ms/1"},
		{Rule{Limit: 3, Per: time.Hour, Gap: time.Minute}, true, 3, time.Hour, []int{3}, "3/3600000ms/1"}, // Limit wins
		{Rule{Limit: 100, Per: time.Hour}, true, 100, time.Hour, []int{100}, "100/3600000ms/1"},
		{Rule{Limit: 101, Per: time.Hour}, true, 101, time.Hour, []int{51, 50}, "101/3600000ms/2"},
		{Rule{Limit: 10000, Per: time.Hour}, true, 10000, time.Hour, slices.Repeat([]int{100}, 100), "10000/3600000ms/100"},
		{Rule{Limit: 150, Per: time.Hour, Shards: 16}, true, 150, time.Hour,
			append(slices.Repeat([]int{10}, 6), slices.Repeat([]int{9}, 10)...), "150/3600000ms/16"},
		{Rule{Limit: 5, Per: time.Hour, Shards: 16}, true, 5, time.Hour, []int{1, 1, 1, 1, 1}, "5/3600000ms/5"}, // never an empty shard
		{Rule{Limit: 2000, Per: time.Hour, Shards: 16}, true, 2000, time.Hour, slices.Repeat([]int{100}, 20), "2000/3600000ms/20"},
		{Rule{}, false, 0, 0, nil, ""},
		{Rule{Limit: 5}, false, 0, 0, nil, ""},
		{Rule{Per: time.Hour}, false, 0, 0, nil, ""},
		{Rule{Limit: -1, Per: time.Hour}, false, 0, 0, nil, ""},
	}
	for _, c := range cases {
		b, ok := c.rule.budget()
		if ok != c.ok || b.limit != c.limit || b.per != c.per || !slices.Equal(b.sizes, c.shards) || ok && b.layout() != c.wantedLayout {
			t.Errorf("%+v: budget %v %d/%v %v %q", c.rule, ok, b.limit, b.per, b.sizes, b.layout())
		}
	}
}

// The shards' sizes always add up to the limit: that is what keeps a
// sharded limit exact.
func TestShardSizesAddUpToTheLimit(t *testing.T) {
	for limit := 1; limit <= 1000; limit++ {
		for _, wanted := range []int{0, 1, 7, 16} {
			sizes := shardSizes(limit, shardCount(limit, wanted))
			sum := 0
			for _, s := range sizes {
				if s < 1 || s > maxSlotsPerShard {
					t.Fatalf("limit %d, %d shards wanted: a shard of %d slots", limit, wanted, s)
				}
				sum += s
			}
			if sum != limit || slices.Max(sizes)-slices.Min(sizes) > 1 {
				t.Fatalf("limit %d, %d shards wanted: sizes %v", limit, wanted, sizes)
			}
		}
	}
}

func TestFreeSlots(t *testing.T) {
	b, _ := Rule{Limit: 5, Per: time.Hour}.budget()
	now := t0.Add(2 * time.Hour)
	s := shard{slots: []int64{
		0,                                // never used
		ms(now.Add(-time.Hour)),          // exactly a window ago: free
		ms(now.Add(-time.Hour + 1e6)),    // a millisecond short of it: taken
		ms(now.Add(-90 * time.Minute)),   // free
		ms(now.Add(-59 * time.Minute)),   // taken
		ms(now.Add(-25 * time.Hour)),     // free
		ms(now.Add(time.Second)),         // a writer's clock ahead of ours: taken
		ms(now.Add(-time.Hour - 1e6)),    // free
		ms(now.Add(-30 * time.Minute)),   // taken
		ms(now.Add(-time.Hour + 999e6)),  // taken
		ms(now.Add(-time.Hour - 999e6)),  // free
		ms(now.Add(-time.Hour + 1000e6)), // taken
	}}
	if got := s.free(b.cutoff(now)); !slices.Equal(got, []int{0, 1, 3, 5, 7, 10}) {
		t.Fatalf("free slots %v", got)
	}
}

// pick takes only free slots, and any of them: concurrent actions reading
// the same shard spread over its free slots.
func TestPickSpreadsOverTheFreeSlots(t *testing.T) {
	b, _ := Rule{Limit: 4, Per: time.Hour}.budget()
	s := shard{slots: []int64{ms(t0), 0, ms(t0), ms(t0.Add(-time.Hour))}}
	seen := map[int]int{}
	for i := range 4 {
		slot, ok := s.pick(b.cutoff(t0), func(n int) int {
			if n != 2 {
				t.Fatalf("pick drew among %d slots, want the 2 free ones", n)
			}
			return i % n
		})
		if !ok {
			t.Fatal("no slot picked")
		}
		seen[slot]++
	}
	if fmt.Sprint(seen) != "map[1:2 3:2]" {
		t.Fatalf("picked %v, want slots 1 and 3 twice each", seen)
	}
	full := shard{slots: []int64{ms(t0), ms(t0.Add(-time.Minute))}}
	if slot, ok := full.pick(b.cutoff(t0), func(int) int { t.Fatal("drew from nothing"); return 0 }); ok {
		t.Fatalf("picked slot %d of a full shard", slot)
	}
}

// A full shard frees when its oldest slot is a window old; Retry-After is
// exactly that long, to the millisecond.
func TestRetryAfterOfAFullShard(t *testing.T) {
	b, _ := Rule{Limit: 3, Per: time.Hour}.budget()
	now := t0.Add(10*time.Minute + 250*time.Millisecond)
	s := shard{slots: []int64{ms(t0.Add(9 * time.Minute)), ms(t0.Add(5*time.Minute + 500*time.Millisecond)), ms(t0.Add(7 * time.Minute))}}
	if _, ok := s.pick(b.cutoff(now), func(int) int { return 0 }); ok {
		t.Fatal("the shard is full")
	}
	wait := waitUntil(s.freeAt(b.window()), now)
	if want := 55*time.Minute + 250*time.Millisecond; wait != want {
		t.Fatalf("wait %v, want %v", wait, want)
	}
	// And at that moment, the slot is free.
	if slot, ok := s.pick(b.cutoff(now.Add(wait)), func(int) int { return 0 }); !ok || slot != 1 {
		t.Fatalf("after the wait: slot %d %v", slot, ok)
	}
	if _, ok := s.pick(b.cutoff(now.Add(wait-time.Millisecond)), func(int) int { return 0 }); ok {
		t.Fatal("a millisecond before the wait is over, a slot was free")
	}
}

// Times round against the action: it records the millisecond after a
// fractional one, and a window of a fractional millisecond counts as the
// next whole one, so a slot never frees early.
func TestTimesRoundAgainstTheAction(t *testing.T) {
	at := t0.Add(1500 * time.Microsecond)
	if stamp(at) != ms(t0)+2 || stamp(t0) != ms(t0) {
		t.Fatalf("stamp %d, %d", stamp(at)-ms(t0), stamp(t0)-ms(t0))
	}
	b, _ := Rule{Limit: 1, Per: time.Second + time.Microsecond}.budget()
	if b.window() != 1001 || b.cutoff(at) != ms(t0)+1-1001 {
		t.Fatalf("window %d, cutoff %d", b.window(), b.cutoff(at)-ms(t0))
	}
}

func TestOtherShardsListsEachOnce(t *testing.T) {
	for range 20 {
		got := otherShards(16, 5)
		slices.Sort(got)
		want := []int{0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
		if !slices.Equal(got, want) {
			t.Fatalf("other shards %v", got)
		}
	}
}

func TestOnlyLostRacesAreRetried(t *testing.T) {
	cases := map[string]bool{
		"[None, ConditionalCheckFailed]":                true,
		"[TransactionConflict, None, None]":             true,
		"[ThrottlingError]":                             true,
		"[ConditionalCheckFailed, TransactionConflict]": true,
		"[None, ValidationError]":                       false,
		"[None, None]":                                  false,
	}
	for reasons, want := range cases {
		if got := lostRace(cancelled(reasons)); got != want {
			t.Errorf("%s: retried %v, want %v", reasons, got, want)
		}
	}
	if lostRace(fmt.Errorf("network down")) {
		t.Error("a plain error was retried")
	}
}

// A retry reads again only the rules whose write was cancelled.
func TestARetryRedoesTheContendedRules(t *testing.T) {
	cases := map[string][]int{
		"[None, ConditionalCheckFailed, None, TransactionConflict]": {1, 3},
		"[ThrottlingError, None]":                                   {0},
		"[]":                                                        {0, 1, 2, 3}, // no reasons given: all
	}
	for reasons, want := range cases {
		if got := lost(cancelled(reasons), 4); !slices.Equal(got, want) {
			t.Errorf("%s: redo %v, want %v", reasons, got, want)
		}
	}
}

// cancelled is a cancelled transaction as DynamoDB Local answers it: the
// reasons in the message only.
func cancelled(reasons string) error {
	return fmt.Errorf("operation error DynamoDB: TransactWriteItems: %w", &types.TransactionCanceledException{
		Message: aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons " + reasons),
	})
}

// A rule without a subject (a source address a local call lacks) or
// without a limit limits nothing.
func TestRulesThatLimitNothing(t *testing.T) {
	got := budgetsOf([]Rule{
		{Kind: "a", Subject: "", Limit: 5, Per: time.Hour},
		{Kind: "b", Subject: "x"},
		{Kind: "c", Subject: "x", Gap: time.Minute},
	})
	if len(got) != 1 || got[0].Kind != "c" {
		t.Fatalf("budgets %+v", got)
	}
}
