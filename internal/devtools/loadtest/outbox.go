package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"sync"
	"time"
)

// outbox follows GET /_dev/outbox: every SMS and email the server "sent",
// by recipient, in order. The dev server keeps only its newest 500
// messages, so one poller reads it often for everybody (clients wait on
// it for their codes) and notes when a poll may have missed messages.
type outbox struct {
	r  *runner
	ip netip.Addr

	mu       sync.Mutex
	seen     map[string]bool
	byTo     map[string][]outMsg
	sms      int
	emails   int
	waiting  int
	changed  chan struct{} // closed at every new message
	polls    int
	gaps     int // polls that may have missed messages
	pollErrs int
}

type outMsg struct {
	Channel string    `json:"channel"`
	To      string    `json:"to"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// key tells one message from every other: when, to whom, what.
func (m outMsg) key() string { return m.At.Format(time.RFC3339Nano) + "|" + m.To + "|" + m.Message }

// outboxKeeps is how many messages the dev server's outbox remembers.
const outboxKeeps = 500

func newOutbox(r *runner, ip netip.Addr) *outbox {
	return &outbox{r: r, ip: ip, seen: map[string]bool{}, byTo: map[string][]outMsg{}, changed: make(chan struct{})}
}

// run polls until ctx ends: often while somebody waits for a message,
// less often otherwise (the counts of the limit checks need every message).
func (o *outbox) run(ctx context.Context) {
	for ctx.Err() == nil {
		o.poll(ctx)
		o.mu.Lock()
		pause := 250 * time.Millisecond
		if o.waiting > 0 {
			pause = 40 * time.Millisecond
		}
		o.mu.Unlock()
		sleep(ctx, nil, pause)
	}
}

// poll reads the outbox once and takes in what is new.
func (o *outbox) poll(ctx context.Context) {
	rep := o.r.do(held(ctx), o.ip, call{op: "GET /_dev/outbox", method: http.MethodGet, path: "/_dev/outbox", expect: []int{200}})
	if rep.err != nil || rep.status != http.StatusOK {
		o.mu.Lock()
		o.pollErrs++
		o.mu.Unlock()
		return
	}
	var page struct {
		Items []outMsg `json:"items"`
	}
	if err := json.Unmarshal(rep.body, &page); err != nil {
		o.mu.Lock()
		o.pollErrs++
		o.mu.Unlock()
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.polls++
	if o.polls == 1 {
		// What was there before the run: known, never counted.
		for _, m := range page.Items {
			o.seen[m.key()] = true
		}
		return
	}
	fresh := 0
	for i := len(page.Items) - 1; i >= 0; i-- { // oldest first
		m := page.Items[i]
		if o.seen[m.key()] {
			continue
		}
		o.seen[m.key()] = true
		fresh++
		o.byTo[m.To] = append(o.byTo[m.To], m)
		if m.Channel == "sms" {
			o.sms++
		} else {
			o.emails++
		}
	}
	// A full page whose oldest message is new to us may follow messages
	// that were already forgotten.
	if len(page.Items) >= outboxKeeps && fresh == len(page.Items) {
		o.gaps++
	}
	if fresh > 0 {
		close(o.changed)
		o.changed = make(chan struct{})
	}
}

// mark is where the next message to `to` will be: wait(to, mark) returns
// the first message sent after the mark was taken.
func (o *outbox) mark(to string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.byTo[to])
}

// count is how many messages went to `to` since from.
func (o *outbox) count(to string, from int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return max(0, len(o.byTo[to])-from)
}

// total is how many messages went to these recipients in all.
func (o *outbox) total(to ...string) int {
	n := 0
	for _, t := range to {
		n += o.count(t, 0)
	}
	return n
}

// wait returns the first message to `to` at or after index from.
func (o *outbox) wait(ctx context.Context, to string, from int) (outMsg, error) {
	o.mu.Lock()
	o.waiting++
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		o.waiting--
		o.mu.Unlock()
	}()
	deadline := time.After(waitForMessage)
	for {
		o.mu.Lock()
		msgs, changed := o.byTo[to], o.changed
		o.mu.Unlock()
		if len(msgs) > from {
			return msgs[from], nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return outMsg{}, ctx.Err()
		case <-deadline:
			return outMsg{}, fmt.Errorf("no message to %s within %s", to, waitForMessage)
		}
	}
}

// waitForMessage is how long a client waits for its SMS or email.
const waitForMessage = 30 * time.Second

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// code is the one-time password an SMS carries.
func (m outMsg) code() string { return sixDigits.FindString(m.Message) }

// token is the token an email event carries (data.token).
func (m outMsg) token() string {
	var e struct {
		Data map[string]string `json:"data"`
	}
	_ = json.Unmarshal([]byte(m.Message), &e)
	return e.Data["token"]
}
