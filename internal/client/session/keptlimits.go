package session

import (
	"sync"
	"time"
)

// KeptLimits are the session limits (from the general and security
// sections) an authorizer instance keeps for TTL after reading them, so
// that its decisions within the TTL read the session alone: the stack's
// CONFIG_CACHE_SECONDS, as the client functions keep their configuration
// (settings.Source). An admin's change to session_minutes or
// absolute_session_hours then reaches the instance within TTL. A nil
// *KeptLimits, or TTL 0, keeps nothing: every decision reads them.
type KeptLimits struct {
	TTL time.Duration

	mu     sync.Mutex
	lim    Limits
	readAt time.Time
	valid  bool
}

// get returns the kept limits if they were read less than TTL before now
// (a clock that went back counts as stale).
func (k *KeptLimits) get(now time.Time) (Limits, bool) {
	if k == nil || k.TTL <= 0 {
		return Limits{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.valid || now.Before(k.readAt) || now.Sub(k.readAt) >= k.TTL {
		return Limits{}, false
	}
	return k.lim, true
}

// keep records limits read at now.
func (k *KeptLimits) keep(lim Limits, now time.Time) {
	if k == nil || k.TTL <= 0 {
		return
	}
	k.mu.Lock()
	k.lim, k.readAt, k.valid = lim, now, true
	k.mu.Unlock()
}
