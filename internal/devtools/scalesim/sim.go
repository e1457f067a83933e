package main

import (
	"container/heap"
	"math"
	"math/rand/v2"
)

// The simulations behind the limits that are not plain division: how
// often a cached configuration is read again, how unevenly random shards
// are read, and how many transactions on one item collide. Each is
// seeded, so a run prints the same numbers every time.

// cacheLoads simulates n instances, each serving requests that arrive at
// random (a Poisson process of rate per second) and keeping what it read
// for ttl seconds: a request finding its copy older than ttl reads again.
// It returns the reads per second of all instances together, over
// seconds of simulated time. In closed form each instance reads
// rate/(1+rate·ttl) times a second: a read, ttl of cached answers, then
// the wait for the next request.
func cacheLoads(rng *rand.Rand, n int, rate, ttl, seconds float64) float64 {
	loads := 0
	for range n {
		expires := math.Inf(-1)
		for t := rng.ExpFloat64() / rate; t < seconds; t += rng.ExpFloat64() / rate {
			if t >= expires {
				loads++
				expires = t + ttl
			}
		}
	}
	return float64(loads) / seconds
}

// cacheLoadsClosed is cacheLoads' closed form.
func cacheLoadsClosed(n int, rate, ttl float64) float64 {
	return float64(n) * rate / (1 + rate*ttl)
}

// shardOverload simulates reads arriving at rate a second (Poisson),
// each of one of shards items picked at random, and returns the share of
// seconds in which the busiest item was read more than limit times.
func shardOverload(rng *rand.Rand, rate float64, shards, limit, seconds int) float64 {
	over := 0
	counts := make([]int, shards)
	for range seconds {
		clear(counts)
		for range poisson(rng, rate) {
			counts[rng.IntN(shards)]++
		}
		for _, c := range counts {
			if c > limit {
				over++
				break
			}
		}
	}
	return float64(over) / float64(seconds)
}

// maxShardRate is the highest rate (to within 1%) at which the busiest of
// shards items is over limit in at most share of the seconds.
func maxShardRate(rng *rand.Rand, shards, limit int, share float64, seconds int) float64 {
	lo, hi := 0.0, float64(shards*limit)*1.2
	for hi-lo > lo*0.01 && hi-lo > 1 {
		mid := (lo + hi) / 2
		if shardOverload(rng, mid, shards, limit, seconds) <= share {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// poisson draws from a Poisson distribution of mean m: by counting
// exponential gaps below 1000, by the normal approximation (whose error
// is far below the simulation's noise) above.
func poisson(rng *rand.Rand, m float64) int {
	if m > 1000 {
		return max(0, int(math.Round(m+math.Sqrt(m)*rng.NormFloat64())))
	}
	n := 0
	for t := rng.ExpFloat64(); t < m; t += rng.ExpFloat64() {
		n++
	}
	return n
}

// conflictFailures simulates transactions on one item arriving at rate a
// second (Poisson), each holding the item for hold seconds while it runs.
// One that starts while another holds the item is cancelled
// (TransactionConflict) and tried again after backoff(attempt) seconds,
// as dynamo.Table.TransactWrite does, up to attempts tries in all. It
// returns the share of transactions that failed every try.
func conflictFailures(rng *rand.Rand, rate, hold float64, attempts int, backoff func(int) float64, n int) float64 {
	pending := &tries{}
	t := 0.0
	for range n {
		t += rng.ExpFloat64() / rate
		heap.Push(pending, try{at: t, attempt: 1})
	}
	busyUntil, failed := math.Inf(-1), 0
	for pending.Len() > 0 {
		next := heap.Pop(pending).(try)
		switch {
		case next.at >= busyUntil:
			busyUntil = next.at + hold
		case next.attempt < attempts:
			heap.Push(pending, try{at: next.at + backoff(next.attempt), attempt: next.attempt + 1})
		default:
			failed++
		}
	}
	return float64(failed) / float64(n)
}

// try is one attempt of a transaction, at a time.
type try struct {
	at      float64
	attempt int
}

// tries is a heap of attempts, earliest first.
type tries []try

func (h tries) Len() int           { return len(h) }
func (h tries) Less(i, j int) bool { return h[i].at < h[j].at }
func (h tries) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *tries) Push(x any)        { *h = append(*h, x.(try)) }
func (h *tries) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// tableBackoff is dynamo.Table.TransactWrite's wait before try attempt+1:
// 10 ms times the tries so far.
func tableBackoff(attempt int) float64 { return 0.010 * float64(attempt) }

// tableAttempts is how many times dynamo.Table.TransactWrite tries a
// transaction that keeps colliding (maxConflictRetries + 1).
const tableAttempts = 5

// maxConflictRate is the highest rate (to within 1%) at which at most
// share of the transactions on one item fail every try.
func maxConflictRate(rng *rand.Rand, hold float64, share float64, n int) float64 {
	lo, hi := 0.0, 2/hold
	for hi-lo > lo*0.01 && hi-lo > 0.1 {
		mid := (lo + hi) / 2
		if conflictFailures(rng, mid, hold, tableAttempts, tableBackoff, n) <= share {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
