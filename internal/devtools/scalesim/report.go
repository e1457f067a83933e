package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"clientarea/internal/platform/dynamo"
)

// DynamoDB's limits per partition (and so per item: a partition is never
// split below one item): read units and write units a second.
const (
	partitionReads  = 3000
	partitionWrites = 1000
)

// The assumptions the limits rest on besides DynamoDB's, each printed
// with the numbers it gives.
const (
	// requestSeconds is how long a warm request keeps a Lambda instance
	// busy (in AWS; DynamoDB Local's are in docs/PERFORMANCE.md).
	requestSeconds = 0.020
	// lambdaConcurrency is an AWS account's default concurrency quota.
	lambdaConcurrency = 1000
	// overloadShare is how often (a share of the seconds) the busiest of
	// random shards may be over its limit.
	overloadShare = 0.01
	// failShare is the share of transactions on one item that may fail
	// every try.
	failShare = 0.01
)

// the seed of every simulation: a run prints the same numbers each time.
const seed = 13

// report prints what m shows and the limits it sets, section by
// section, as docs/SCALING.md cites them.
func report(w io.Writer, m *measured) error {
	p := &printer{w: w}
	p.configReads(m)
	p.cache(m)
	p.stackBudget(m)
	p.holders(m)
	p.partitions(m)
	p.check(m)
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// sizesOf maps the items of a state by key.
func sizesOf(items []sized) map[dynamo.Key]int {
	m := map[dynamo.Key]int{}
	for _, it := range items {
		m[it.key] = it.bytes
	}
	return m
}

// sections is the sum of the configuration sections' sizes.
func sections(items []sized) (total, n int) {
	for _, it := range items {
		if strings.HasPrefix(it.key.SK, "SECTION#") {
			total += it.bytes
			n++
		}
	}
	return total, n
}

func (p *printer) configReads(m *measured) {
	p.f("== 1. The configuration partition (PK %s), read by every client request\n\n", dynamo.ConfigPartition())
	for _, st := range m.states {
		sizes := sizesOf(st.config)
		total, n := sections(st.config)
		p.f("-- %s\n", st.name)
		p.f("   items of the partition (bytes, by DynamoDB's item size rules):\n")
		for _, it := range st.config {
			p.f("     %-28s %6d\n", it.key.SK, it.bytes)
		}
		p.f("   the %d sections together (what a client request's Query reads): %d bytes = %.0f read unit(s) strongly consistent, %.1f eventually\n",
			n, total, readUnits(total, true), readUnits(total, false))
		p.f("   read units per request (DynamoDB Local's ConsumedCapacity | the size model's), and of them on the partition:\n")
		for _, r := range st.requests {
			var measured, model float64
			for _, c := range r.calls {
				measured += c.measured
				model += c.model
			}
			cfg := r.configUnits(sizes)
			p.f("     %-22s total %4.1f | %4.1f   on %s: %.1f strongly consistent -> at most %s such requests/s (eventually consistent: %s)\n",
				r.name, measured, model, dynamo.ConfigPartition(), cfg, count(partitionReads/cfg), count(2*partitionReads/cfg))
			for _, c := range r.calls {
				note := ""
				if c.missing {
					note = " (reads a missing item: not compared)"
				}
				p.f("         %-24s %-40s %4.1f | %4.1f%s\n", c.call.Function+" "+c.call.Operation, strings.Join(c.call.Partitions, ","), c.measured, c.model, note)
			}
		}
		p.f("\n")
	}
}

// clientCost is the CONFIG read units of GET /me in the last state, split
// into the authorizer's and the function's.
func clientCost(m *measured) (authorizer, function float64) {
	st := m.states[len(m.states)-1]
	sizes := sizesOf(st.config)
	for _, r := range st.requests {
		if r.name != "GET /me" {
			continue
		}
		for _, c := range r.calls {
			if c.call.Function == "authorizer" {
				authorizer += configShare(c.call, sizes)
			} else {
				function += configShare(c.call, sizes)
			}
		}
	}
	return authorizer, function
}

func (p *printer) cache(m *measured) {
	auth, fn := clientCost(m)
	p.f("== 2. With a per-instance configuration cache (none today)\n\n")
	p.f("   Each instance reads the configuration again at most once per TTL: the authorizer's %.0f read unit(s), a client function's %.0f.\n", auth, fn)
	p.f("   Simulated (Poisson arrivals per busy instance at 1/%.0f ms; %d instances of each; %d s):\n", requestSeconds*1000, lambdaConcurrency, 60)
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, ttl := range []float64{1, 5} {
		rate := 1 / requestSeconds
		sim := cacheLoads(rng, lambdaConcurrency, rate, ttl, 60)
		closed := cacheLoadsClosed(lambdaConcurrency, rate, ttl)
		units := sim * (auth + fn)
		maxInstances := partitionReads * ttl / (auth + fn) // every instance reading as often as the TTL lets it
		p.f("     TTL %.0f s: %.0f reloads/s per function (closed form %.0f) -> %.0f read units/s on %s; the partition holds up to %s instances of each,\n",
			ttl, sim, closed, units, dynamo.ConfigPartition(), count(maxInstances))
		p.f("              which serve %s client requests/s at %.0f ms each; staleness: up to %.0f s after an admin's save\n",
			count(maxInstances/requestSeconds), requestSeconds*1000, ttl)
	}
	p.f("\n")
}

func (p *printer) stackBudget(m *measured) {
	p.f("== 3. The stack-wide SMS budget (sms_stack_hour)\n\n")
	p.f("   items after %d codes sent with stack_sends_per_hour = %d:\n", stackLimit, stackLimit)
	for _, it := range m.stackItems {
		p.f("     %-40s %4d bytes\n", it.key.PK, it.bytes)
	}
	p.f("   one more SMS attempt read of them:\n")
	var hintUnits float64
	for _, c := range m.stackAttempt {
		p.f("     %-12s %-40s %.1f read unit(s)\n", c.Operation, c.Keys[0].PK, c.ReadUnits)
		if strings.HasSuffix(c.Keys[0].PK, "#full") {
			hintUnits = c.ReadUnits
		}
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	shards := 16 // otp.stackShards: the default budget of 200 spreads over 16 items
	rate := maxShardRate(rng, shards, partitionReads, overloadShare, 200)
	p.f("   while the budget has room: each attempt reads one of %d shards at random (1 read unit each);\n", shards)
	p.f("     simulated: the busiest shard stays within %d reads/s in %.0f%% of the seconds up to %s SMS attempts/s\n",
		partitionReads, 100*(1-overloadShare), count(rate))
	if hintUnits > 0 {
		p.f("   once it is exhausted: every attempt also reads the one exhaustion note -> at most %s SMS attempts/s\n", count(partitionReads/hintUnits))
	}
	p.f("   admitted sends write their shard: at most stack_sends_per_hour (200 by default) an hour, far below any limit\n\n")
}

func (p *printer) holders(m *measured) {
	level, _ := itemOf(m.writes, func(k dynamo.Key) bool {
		return k.PK == dynamo.ConfigPartition() && strings.HasPrefix(k.SK, dynamo.LevelPrefix)
	})
	status, _ := itemOf(m.writes, func(k dynamo.Key) bool {
		return k.PK == dynamo.ConfigPartition() && strings.HasPrefix(k.SK, dynamo.StatusPrefix)
	})
	lw, sw := writeUnits(level.bytes, true), writeUnits(status.bytes, true)
	p.f("== 4. A popular level's holders counter\n\n")
	p.f("   the largest level item %s: %d bytes -> %.0f write units per ADD in a transaction; the largest status %s: %d bytes -> %.0f\n",
		level.key.SK, level.bytes, lw, status.key.SK, status.bytes, sw)
	p.f("   by write units: at most %s assignments/s to one level (%d write units/s per item)\n", count(partitionWrites/lw), partitionWrites)
	perAssignment := 2*lw + 2*sw // the new and the old level, the new and the old status
	p.f("   and at most %s assignments/s in all (%.0f write units on %s each: two levels and two statuses)\n",
		count(partitionWrites/perAssignment), perAssignment, dynamo.ConfigPartition())
	p.f("   by collisions (simulated; transactions on one item that overlap are cancelled and retried %d times, 10 ms more each time):\n", tableAttempts-1)
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, hold := range []float64{0.010, 0.025} {
		rate := maxConflictRate(rng, hold, failShare, 20000)
		p.f("     a transaction holding the item %2.0f ms: at most %s assignments/s to one level with %.0f%% failing every try\n",
			hold*1000, count(rate), 100*failShare)
	}
	p.f("\n")
}

func (p *printer) partitions(m *measured) {
	p.f("== 5. Other single partitions and items\n\n")
	show := func(what string, match func(dynamo.Key) bool, per string) {
		it, ok := itemOf(m.writes, match)
		if !ok {
			p.f("   %s: none written\n", what)
			return
		}
		w := writeUnits(it.bytes, true)
		p.f("   %s: largest %d bytes -> %.0f write units in a transaction -> at most %s %s/s\n", what, it.bytes, w, count(partitionWrites/w), per)
	}
	show("client directory entry (PK CLIENTS, one per sign-up)", func(k dynamo.Key) bool { return k.PK == "CLIENTS" }, "sign-ups")
	for _, section := range []string{"general", "verification-levels", "statuses", "clients", "languages", "security"} {
		show("audit entry (PK AUDIT#"+section+")", func(k dynamo.Key) bool { return k.PK == dynamo.AuditPartition(section) }, "audited changes")
	}
	sess, _ := itemOf(m.writes, func(k dynamo.Key) bool { return strings.HasPrefix(k.PK, "SESSION#") })
	r := readUnits(sess.bytes, true)
	p.f("   a session item: largest %d bytes -> %.0f read unit(s) per request's authorizer read -> one session could make %s requests/s (its client's own key)\n\n",
		sess.bytes, r, count(partitionReads/r))
}

// check prints whether the size model agreed with DynamoDB Local on every
// read compared.
func (p *printer) check(m *measured) {
	compared, off := 0, 0
	for _, st := range m.states {
		for _, r := range st.requests {
			for _, c := range r.calls {
				if c.missing {
					continue
				}
				compared++
				if c.measured != c.model {
					off++
				}
			}
		}
	}
	p.f("== The size model and DynamoDB Local agreed on %d of %d reads compared\n", compared-off, compared)
}

// count prints a rate rounded down to three significant digits, with
// thousands separators.
func count(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "unbounded"
	}
	n := int64(x)
	if n >= 1000 {
		mag := int64(math.Pow(10, math.Floor(math.Log10(float64(n)))-2))
		n = n / mag * mag
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
