// Package outbox keeps, in memory, the SMS and email events the local dev
// server would have sent, newest first, for GET /_dev/outbox.
package outbox

import (
	"slices"
	"sync"
	"time"
)

// Message is one event that would have gone out.
type Message struct {
	Channel string    `json:"channel"` // "sms" or "email"
	To      string    `json:"to"`
	Kind    string    `json:"kind,omitempty"` // what it is about: "otp", "email_verification"...
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// Memory is a bounded in-memory outbox. Safe for concurrent use.
type Memory struct {
	mu    sync.Mutex
	items []Message
}

// keep is how many messages the outbox remembers.
const keep = 500

// Add records m.
func (o *Memory) Add(m Message) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.items = append(o.items, m)
	if len(o.items) > keep {
		o.items = o.items[len(o.items)-keep:]
	}
}

// List returns the messages, newest first.
func (o *Memory) List() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Message, len(o.items)) // never null in JSON
	copy(out, o.items)
	slices.Reverse(out)
	return out
}
