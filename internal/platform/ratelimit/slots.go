package ratelimit

import (
	"strconv"
	"time"
)

// The pure part of the limiter: how a rule's slots are laid out over its
// items, which slot an action may take, and when a full rule admits again.
// Times are unix milliseconds, 0 being a slot never used.

// maxSlotsPerShard bounds an item's size: 100 slots of ~12 bytes keep a
// shard near 1 KB, so that writing it costs one or two write units (twice
// that in a transaction) and reading it one read unit, whatever the limit.
const maxSlotsPerShard = 100

// budget is a rule in the form the limiter works with: at most limit
// actions in any window of length per, over the slots of sizes[i] slots
// in shard i.
type budget struct {
	Rule
	limit int
	per   time.Duration
	sizes []int
}

// budget normalizes r; ok is false for a rule that limits nothing.
func (r Rule) budget() (b budget, ok bool) {
	limit, per := r.Limit, r.Per
	if limit == 0 && r.Gap > 0 {
		limit, per = 1, r.Gap
	}
	if limit <= 0 || per <= 0 {
		return budget{}, false
	}
	return budget{Rule: r, limit: limit, per: per, sizes: shardSizes(limit, shardCount(limit, r.Shards))}, true
}

// shardCount is how many items hold limit slots: as many as their size
// needs, or wanted (the rule's Shards) when that is more, but never more
// items than slots.
func shardCount(limit, wanted int) int {
	need := (limit + maxSlotsPerShard - 1) / maxSlotsPerShard
	return max(need, min(wanted, limit))
}

// shardSizes splits limit slots over n items as evenly as possible. The
// sizes add up to limit exactly: that sum, not any one item, is the limit.
func shardSizes(limit, n int) []int {
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = limit / n
		if i < limit%n {
			sizes[i]++
		}
	}
	return sizes
}

// stamp is the time an action at now records: rounded up to the
// millisecond, so a slot never looks older than its action was.
func stamp(now time.Time) int64 {
	ms := now.UnixMilli()
	if now.Sub(time.UnixMilli(ms)) > 0 {
		ms++
	}
	return ms
}

// window is the rule's window in milliseconds, rounded up.
func (b budget) window() int64 {
	ms := b.per.Milliseconds()
	if b.per > time.Duration(ms)*time.Millisecond {
		ms++
	}
	return ms
}

// cutoff is the newest slot time an action at now may take: one whole
// window before now, rounding against the action.
func (b budget) cutoff(now time.Time) int64 { return now.UnixMilli() - b.window() }

// layout names the slots' arrangement: an exhaustion hint (hint.go) holds
// only for the layout it was computed under.
func (b budget) layout() string {
	return strconv.Itoa(b.limit) + "/" + strconv.FormatInt(b.window(), 10) + "ms/" + strconv.Itoa(len(b.sizes))
}

// shard is one item's slots as read: the time of the action each slot
// last admitted.
type shard struct {
	index int
	slots []int64
}

// free lists the slots an action may take: never used, or last used at
// or before cutoff.
func (s shard) free(cutoff int64) []int {
	var out []int
	for i, at := range s.slots {
		if at <= cutoff {
			out = append(out, i)
		}
	}
	return out
}

// pick chooses one of the free slots at random (intn(n) in [0, n)), so that
// concurrent actions that read the same shard mostly take different slots
// and do not fail each other's conditions.
func (s shard) pick(cutoff int64, intn func(int) int) (slot int, ok bool) {
	free := s.free(cutoff)
	if len(free) == 0 {
		return 0, false
	}
	return free[intn(len(free))], true
}

// freeAt is when the shard's first slot becomes free again: its oldest
// time plus the window (in milliseconds). For a full shard only.
func (s shard) freeAt(window int64) int64 {
	oldest := s.slots[0]
	for _, at := range s.slots[1:] {
		oldest = min(oldest, at)
	}
	return oldest + window
}

// waitUntil is how long an action at now waits for time at (unix ms).
func waitUntil(at int64, now time.Time) time.Duration {
	return time.UnixMilli(at).Sub(now)
}
