// Package kept holds one value an instance read, for a TTL: how the client
// functions and the session authorizer keep the configuration for the
// stack's CONFIG_CACHE_SECONDS. A Lambda instance serves one request at a
// time; the local server's concurrent requests may read a few times at the
// boundary, which only costs reads.
package kept

import (
	"sync"
	"time"
)

// Value is a value read at some time and trusted for TTL after it. Its
// zero value, or a nil *Value, or TTL 0, keeps nothing.
type Value[T any] struct {
	TTL time.Duration

	mu     sync.Mutex
	v      T
	readAt time.Time
	valid  bool
}

// Get returns the kept value if it was read less than TTL before now. A
// clock that went back counts as stale.
func (k *Value[T]) Get(now time.Time) (T, bool) {
	var zero T
	if k == nil || k.TTL <= 0 {
		return zero, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.valid || now.Before(k.readAt) || now.Sub(k.readAt) >= k.TTL {
		return zero, false
	}
	return k.v, true
}

// Keep records v, read at now.
func (k *Value[T]) Keep(v T, now time.Time) {
	if k == nil || k.TTL <= 0 {
		return
	}
	k.mu.Lock()
	k.v, k.readAt, k.valid = v, now, true
	k.mu.Unlock()
}
