package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// runner is one run: its clients, counts and checks.
type runner struct {
	opt   options
	id    string // in every email of the run
	octet byte   // the run's source addresses are 127.octet.x.y
	// probeHost is the host of the one address the probes of a per-address
	// limit use in their block: random too, so that two runs that drew the
	// same octet within an hour still seldom share it.
	probeHost int
	adminIP   netip.Addr
	lim       limits
	pool      *pool
	gate      *gate // bounds the requests in flight (-inflight)
	stats     *stats
	box       *outbox
	saved     map[string]map[string]any

	budget  atomic.Int64 // requests left
	mainEnd time.Time    // the workload starts nothing after this
	stopped atomic.Bool  // the workload is over

	funnel     []atomic.Int64 // clients that reached each stage
	contended  atomic.Int64   // 429 rate_limited retried where no budget was full
	noMessage  atomic.Int64   // codes or emails that never reached the outbox
	notRevoked atomic.Int64   // tokens of a session whose rotated refresh token came back, still working

	mu       sync.Mutex
	uses     map[string]*useStat
	acct     accountStat
	afterAll []func() // probe checks that need the final outbox
	phones   map[string]bool
}

// useStat counts, for one kind of code or token, how the groups of
// concurrent presentations (and the one after) went.
type useStat struct{ groups, once, none, twice, inconclusive int }

type accountStat struct{ clients, over, mismatch int }

// highPriority is the gate priority of the admins and the probes: few
// requests, which the checks need.
const highPriority = 100

// Requests kept back from the workload: for the checks after it, and for
// putting the sections back (which always gets its share).
const (
	checkReserve   = 600
	restoreReserve = 50
)

func newRunner(o options) (*runner, error) {
	octet, err := rand.Int(rand.Reader, big.NewInt(250))
	if err != nil {
		return nil, err
	}
	host, err := rand.Int(rand.Reader, big.NewInt(254))
	if err != nil {
		return nil, err
	}
	r := &runner{
		opt: o, id: runID(), octet: byte(2 + octet.Int64()), probeHost: 1 + int(host.Int64()), lim: runLimits,
		pool:   &pool{clients: map[netip.Addr]*http.Client{}},
		gate:   newGate(o.inflight),
		stats:  &stats{ops: map[string]*opStat{}},
		funnel: make([]atomic.Int64, len(stages)),
		uses:   map[string]*useStat{},
		phones: map[string]bool{},
	}
	r.adminIP = r.addr(blockAdmin, 1)
	r.box = newOutbox(r, r.addr(blockAdmin, 2))
	r.budget.Store(o.maxRequests - restoreReserve)
	return r, nil
}

// workloadMay reports whether the workload may start n more requests.
func (r *runner) workloadMay(n int) bool {
	return !r.stopped.Load() && time.Now().Before(r.mainEnd) && r.budget.Load() > int64(checkReserve+n)
}

// sleep waits d and reports true; false as soon as ctx ends or stop
// closes (a nil stop never does).
func sleep(ctx context.Context, stop <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-stop:
		return false
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (r *runner) reached(stage int) { r.funnel[stage].Add(1) }

// later runs f after the workload, once the outbox has been read a last time.
func (r *runner) later(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.afterAll = append(r.afterAll, f)
}

func (r *runner) newClient(ip netip.Addr, label string) *vclient {
	return &vclient{r: r, ip: ip, email: fmt.Sprintf("lt%s-%s@example.com", r.id, label), phone: r.newPhone(),
		password: "amber-rocket-violin-" + r.id}
}

// newPhone is a German mobile number no other client of the run has.
func (r *runner) newPhone() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		n, _ := rand.Int(rand.Reader, big.NewInt(100_000_000))
		p := fmt.Sprintf("+49151%08d", n.Int64())
		if !r.phones[p] {
			r.phones[p] = true
			return p
		}
	}
}

// singleUse presents one code or token n times at once and then once
// more: exactly one presentation may succeed (won decides which did).
func (r *runner) singleUse(ctx context.Context, kind string, n int, send func(context.Context) reply, won func(reply) bool) bool {
	var wins, broken atomic.Int64
	one := func(ctx context.Context) {
		rep := send(ctx)
		switch {
		case rep.err != nil:
			broken.Add(1)
		case won(rep):
			wins.Add(1)
		}
	}
	r.together(ctx, n, func(ctx context.Context, _ int) { one(ctx) })
	one(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	u := r.uses[kind]
	if u == nil {
		u = &useStat{}
		r.uses[kind] = u
	}
	u.groups++
	switch w := wins.Load(); {
	case w > 1:
		u.twice++
	case broken.Load() > 0:
		u.inconclusive++
	case w == 1:
		u.once++
	default:
		u.none++
	}
	return wins.Load() >= 1
}

func (r *runner) accounts(created, listed, limit int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acct.clients++
	if created > limit || listed > limit {
		r.acct.over++
	}
	if created != listed {
		r.acct.mismatch++
	}
}

// run is the whole run; it reports whether every check passed.
func (r *runner) run(parent context.Context) bool {
	// The timeline: the workload starts nothing after mainEnd; what it has
	// under way is cancelled at cutoff; the checks must be done by the
	// deadline; putting the sections back has its own 30 seconds.
	start := time.Now()
	tail := min(max(10*time.Second, r.opt.duration/4), 20*time.Second)
	r.mainEnd = start.Add(r.opt.duration - tail)
	if r.opt.ramp <= 0 {
		r.opt.ramp = (r.opt.duration - tail) * 3 / 4
	}
	ctx, cancel := context.WithDeadline(parent, start.Add(r.opt.duration))
	defer cancel()
	work, cancelWork := context.WithDeadline(ctx, start.Add(r.opt.duration-tail/2))
	defer cancelWork()
	defer r.pool.close()

	fmt.Printf("load test of %s: %d clients from 127.%d.0.0/16, run %s, deadline %s, at most %d requests\n",
		r.opt.base, r.opt.clients, r.octet, r.id, r.opt.duration, r.opt.maxRequests)

	// The server answers, and connections from the run's addresses work.
	r.box.poll(ctx)
	if r.box.polls == 0 {
		fmt.Fprintf(os.Stderr, "loadtest: GET %s/_dev/outbox from %s failed: is the dev server (make run) there?\n", r.opt.base, r.box.ip)
		for _, s := range append(r.stats.transport, r.stats.server...) {
			fmt.Fprintln(os.Stderr, "  ", s)
		}
		return false
	}
	if err := r.saveSections(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest: reading the sections:", err)
		return false
	}
	defer func() {
		r.budget.Add(restoreReserve)
		rctx, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer rcancel()
		if failed := r.restoreSections(rctx); len(failed) > 0 {
			fmt.Println("COULD NOT PUT BACK the sections:", failed)
		} else {
			fmt.Println("sections put back as they were:", savedSections)
		}
	}()
	if err := r.configureRun(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest: setting the sections for the run:", err)
		return false
	}
	races := []*race{{name: "general", make: generalDoc}, {name: "documents", make: documentsDoc}}
	for _, rc := range races {
		s, err := r.getSection(ctx, rc.name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			return false
		}
		rc.v0 = s.version
	}

	boxCtx, stopBox := context.WithCancel(ctx)
	var boxDone sync.WaitGroup
	boxDone.Add(1)
	go func() { defer boxDone.Done(); r.box.run(boxCtx) }()

	stop := make(chan struct{})
	var bg sync.WaitGroup // admins and steady clients
	for _, rc := range races {
		bg.Add(1)
		go func() { defer bg.Done(); r.runRace(withPriority(work, highPriority), rc, stop) }()
	}
	bg.Add(1)
	go func() { defer bg.Done(); r.readConfig(withPriority(work, len(stages)/2), stop) }()
	var probes []*probe
	var probesDone sync.WaitGroup
	probesDone.Add(1)
	go func() {
		defer probesDone.Done()
		if !sleep(work, nil, 2*time.Second) {
			return
		}
		probes = r.probes(withPriority(work, highPriority))
	}()

	clients := make([]*vclient, r.opt.clients)
	var scenarios sync.WaitGroup
	for i := range clients {
		c := r.newClient(r.addr(i/250, i%250+1), fmt.Sprintf("c%d", i))
		clients[i] = c
		scenarios.Add(1)
		bg.Add(1)
		go func() {
			defer bg.Done()
			sleep(work, nil, time.Duration(i)*r.opt.ramp/time.Duration(len(clients)))
			c.scenario(work)
			scenarios.Done()
			c.steady(work, stop)
		}()
	}

	allDone := make(chan struct{})
	go func() { scenarios.Wait(); probesDone.Wait(); close(allDone) }()
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
wait:
	for {
		select {
		case <-allDone:
			break wait
		case <-work.Done():
			break wait
		case <-ticker.C:
			r.progress(start)
			if !time.Now().Before(r.mainEnd) || r.budget.Load() <= checkReserve {
				// The clients stop at their next step; wait for the steps
				// under way, until the cutoff cancels them.
				select {
				case <-allDone:
				case <-work.Done():
				}
				break wait
			}
		}
	}
	r.stopped.Store(true)
	close(stop)
	bg.Wait()
	<-allDone
	workload := time.Since(start)
	r.progress(start)

	// After the workload: the stack-wide budget, then the checks.
	var done []*vclient
	for _, c := range clients {
		if c.confirmed {
			done = append(done, c)
		}
	}
	var stack *probe
	if ctx.Err() == nil {
		stack = r.probeStack(ctx, done)
		probes = append(probes, stack)
	}
	stopBox()
	boxDone.Wait()
	r.box.poll(ctx)
	r.mu.Lock()
	after := r.afterAll
	r.mu.Unlock()
	for _, f := range after {
		f()
	}
	var results []raceResult
	for _, rc := range races {
		if ctx.Err() == nil {
			results = append(results, r.checkRace(ctx, rc))
		}
	}
	return r.report(workload, time.Since(start), probes, results, ctx.Err())
}

func (r *runner) progress(start time.Time) {
	fmt.Fprintf(os.Stderr, "  %5.1fs  %6d requests  signed up %d  logged in %d  done %d\n",
		time.Since(start).Seconds(), r.opt.maxRequests-restoreReserve-r.budget.Load(),
		r.funnel[0].Load(), r.funnel[7].Load(), r.funnel[len(stages)-1].Load())
}
