package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// pool holds one HTTP client per source address: its connections are
// made from that address, so the server sees it as the caller.
type pool struct {
	mu      sync.Mutex
	clients map[netip.Addr]*http.Client
}

func (p *pool) client(ip netip.Addr) *http.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[ip]; ok {
		return c
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip.AsSlice()}, Timeout: 10 * time.Second}
	c := &http.Client{
		Transport: &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConnsPerHost: 8,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
			Proxy:               nil, // never a proxy: loopback only
		},
		Timeout:       requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	p.clients[ip] = c
	return c
}

func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		c.CloseIdleConnections()
	}
}

// requestTimeout bounds one request.
const requestTimeout = 30 * time.Second

// call is one request.
type call struct {
	op     string // the route, for the summary: "POST /auth/login"
	method string
	path   string
	token  string // bearer token, if any
	body   any    // JSON body, if any
	header map[string]string
	expect []int // the statuses the workload expects; any other is unexpected
}

// reply is one answer.
type reply struct {
	status int
	body   []byte
	header http.Header
	code   string // the problem's code, for an error
	err    error  // no answer: transport error, cancelled, budget spent
}

func (r reply) ok(status int) bool { return r.err == nil && r.status == status }

// json decodes the body into a map (nil when it is not an object).
func (r reply) json() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.body, &m) != nil {
		return nil
	}
	return m
}

// post sends a POST of body to path from ip (the route: "POST "+path).
func (r *runner) post(ctx context.Context, ip netip.Addr, path, token string, body any, expect ...int) reply {
	return r.do(ctx, ip, call{op: "POST " + path, method: http.MethodPost, path: path, token: token, body: body, expect: expect})
}

// do sends c from ip, counts it in the stats and returns the answer.
func (r *runner) do(ctx context.Context, ip netip.Addr, c call) reply {
	if r.budget.Add(-1) < 0 {
		return reply{err: errBudget}
	}
	var body io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return reply{err: err}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, r.opt.base+c.path, body)
	if err != nil {
		return reply{err: err}
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	if ctx.Value(heldKey{}) == nil {
		if !r.gate.acquire(ctx, 1) {
			r.stats.cancelled.Add(1)
			return reply{err: ctx.Err()}
		}
		defer r.gate.release(1)
	}
	start := time.Now()
	resp, err := r.pool.client(ip).Do(req)
	var rep reply
	if err == nil {
		rep.body, err = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		rep.status, rep.header = resp.StatusCode, resp.Header
	}
	elapsed := time.Since(start)
	if err != nil {
		rep = reply{err: err}
		if ctx.Err() != nil {
			r.stats.cancelled.Add(1)
			return rep
		}
	}
	if rep.status >= 400 {
		if m := rep.json(); m != nil {
			rep.code, _ = m["code"].(string)
		}
	}
	r.stats.record(c, ip, rep, elapsed)
	return rep
}

// stats counts the answers per route.
type stats struct {
	mu        sync.Mutex
	ops       map[string]*opStat
	server    []sample // 5xx
	transport []sample // no answer
	unexpect  []sample // an answer the workload did not expect
	n5xx      int
	nTrans    int
	nUnexp    int
	cancelled atomic.Int64
}

type opStat struct {
	counts map[string]int // "201", "409 token_used", "error"
	lat    []time.Duration
}

// sample is one answer worth showing.
type sample struct {
	op, method, path, from string
	status                 int
	code, requestID, body  string
	err                    string
}

func (s sample) String() string {
	if s.err != "" {
		return fmt.Sprintf("%s %s from %s: %s", s.method, s.path, s.from, s.err)
	}
	return fmt.Sprintf("%s %s from %s: %d %s (request id %s) %s", s.method, s.path, s.from, s.status, s.code, s.requestID, s.body)
}

const keepSamples = 20

func (s *stats) record(c call, ip netip.Addr, rep reply, elapsed time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.ops[c.op]
	if st == nil {
		st = &opStat{counts: map[string]int{}}
		s.ops[c.op] = st
	}
	key := "error"
	if rep.err == nil {
		key = strconv.Itoa(rep.status)
		if rep.code != "" {
			key += " " + rep.code
		}
		st.lat = append(st.lat, elapsed)
	}
	st.counts[key]++
	sm := sample{op: c.op, method: c.method, path: c.path, from: ip.String(), status: rep.status, code: rep.code}
	if rep.header != nil {
		sm.requestID = rep.header.Get("X-Request-Id")
	}
	if len(rep.body) > 0 {
		sm.body = string(rep.body[:min(len(rep.body), 300)])
	}
	switch {
	case rep.err != nil:
		s.nTrans++
		sm.err = rep.err.Error()
		if len(s.transport) < keepSamples {
			s.transport = append(s.transport, sm)
		}
	case rep.status >= 500:
		s.n5xx++
		if len(s.server) < keepSamples {
			s.server = append(s.server, sm)
		}
	case len(c.expect) > 0 && !slices.Contains(c.expect, rep.status):
		s.nUnexp++
		if len(s.unexpect) < keepSamples {
			s.unexpect = append(s.unexpect, sm)
		}
	}
}

// unexpected records an answer that had an expected status but not the
// expected content (a 200 without a token...).
func (s *stats) unexpected(c call, ip netip.Addr, rep reply, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nUnexp++
	if len(s.unexpect) < keepSamples {
		body := string(rep.body[:min(len(rep.body), 300)])
		s.unexpect = append(s.unexpect, sample{op: c.op, method: c.method, path: c.path, from: ip.String(),
			status: rep.status, code: why, body: body})
	}
}

// parallel runs f(0) ... f(n-1) at once and waits for all of them.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}

// str reads a string at a dotted path of a decoded JSON object.
func str(m map[string]any, path ...string) string {
	v := any(m)
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

// gate bounds the requests in flight: the dev server runs every function
// in one process on this machine's cores, so the clients queue here rather
// than all at once in the server. Waiters go in by priority, then in
// order: a client further into its scenario before one that has not
// signed up yet, so that what started gets finished. A group of requests
// that must reach the server at the same moment (a code presented three
// times at once) takes its slots together. A nil gate bounds nothing.
type gate struct {
	mu    sync.Mutex
	size  int
	free  int
	queue []*waiter
}

type waiter struct {
	n, prio int
	ready   chan struct{}
}

type prioKey struct{}

// withPriority sets the priority of ctx's requests at the gate.
func withPriority(ctx context.Context, prio int) context.Context {
	return context.WithValue(ctx, prioKey{}, prio)
}

func newGate(size int) *gate {
	if size <= 0 {
		return nil
	}
	return &gate{size: size, free: size}
}

// acquire takes n slots (at most the gate's size), waiting its turn; false
// when ctx ended first.
func (g *gate) acquire(ctx context.Context, n int) bool {
	if g == nil {
		return true
	}
	n = min(n, g.size)
	g.mu.Lock()
	if len(g.queue) == 0 && g.free >= n {
		g.free -= n
		g.mu.Unlock()
		return true
	}
	prio, _ := ctx.Value(prioKey{}).(int)
	w := &waiter{n: n, prio: prio, ready: make(chan struct{})}
	g.queue = append(g.queue, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return true
	case <-ctx.Done():
		g.mu.Lock()
		if i := slices.Index(g.queue, w); i >= 0 {
			g.queue = slices.Delete(g.queue, i, i+1)
			g.grant()
			g.mu.Unlock()
			return false
		}
		g.mu.Unlock()
		g.release(n) // granted meanwhile
		return false
	}
}

// release gives back n slots.
func (g *gate) release(n int) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.free += min(n, g.size)
	g.grant()
}

// grant lets in the first waiters of the highest priority while they fit.
func (g *gate) grant() {
	for len(g.queue) > 0 {
		next := 0
		for i, w := range g.queue {
			if w.prio > g.queue[next].prio {
				next = i
			}
		}
		w := g.queue[next]
		if w.n > g.free {
			return
		}
		g.free -= w.n
		close(w.ready)
		g.queue = slices.Delete(g.queue, next, next+1)
	}
}

type heldKey struct{}

// held marks ctx as holding its request's slot already (a group's, or the
// outbox poller, which never waits behind the clients).
func held(ctx context.Context) context.Context { return context.WithValue(ctx, heldKey{}, true) }

// together runs f(i) for i < n at once, with n slots taken together.
func (r *runner) together(ctx context.Context, n int, f func(ctx context.Context, i int)) {
	if !r.gate.acquire(ctx, n) {
		return
	}
	defer r.gate.release(n)
	hctx := held(ctx)
	parallel(n, func(i int) { f(hctx, i) })
}
