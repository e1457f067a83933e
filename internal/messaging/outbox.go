package messaging

import (
	"slices"
	"sync"
	"time"
)

// OutboxItem is one message that would have gone out.
type OutboxItem struct {
	Channel string    `json:"channel"` // "sms" or "email"
	To      string    `json:"to"`
	Kind    string    `json:"kind,omitempty"` // what it is about: "otp", "email_verification"...
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// Outbox keeps, in memory, the SMS and notification events that the local
// tools and tests would have sent, for GET /_dev/outbox. It is bounded, so
// a long dev session cannot grow it without limit. Safe for concurrent use.
type Outbox struct {
	mu    sync.Mutex
	items []OutboxItem
}

// outboxKeeps is how many messages the outbox remembers.
const outboxKeeps = 500

// Add records m, forgetting the oldest message when the outbox is full.
func (o *Outbox) Add(m OutboxItem) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.items = append(o.items, m)
	if len(o.items) > outboxKeeps {
		o.items = o.items[len(o.items)-outboxKeeps:]
	}
}

// List returns the messages, newest first.
func (o *Outbox) List() []OutboxItem {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]OutboxItem, len(o.items)) // never null in JSON
	copy(out, o.items)
	slices.Reverse(out)
	return out
}
