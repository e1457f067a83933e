package settings

import (
	"context"
	"sync"
	"time"

	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
)

// Source is where a client function gets the configuration of a request:
// read from the table, or, with a TTL, kept for that long by the instance
// that read it. A Lambda instance serves one request at a time, so it
// reads at most once per TTL; the local server's concurrent requests may
// read a few times at the boundary, which only costs reads.
//
// With TTL 0 (the default, CONFIG_CACHE_SECONDS unset) every request reads
// it, and an admin's change governs the next request of every client.
// With TTL T, a change reaches each instance at most T after the save: a
// shorter session_minutes, mandatory 2FA or a lower send budget applies
// within T. Only the sections are kept: sessions, profiles, tokens and
// budgets are read per request whatever T is.
type Source struct {
	Table dynamo.Table
	Clock clock.Clock
	TTL   time.Duration

	mu     sync.Mutex
	kept   Settings
	readAt time.Time
	valid  bool
}

// Load returns the configuration that governs a request now. The value is
// shared by the requests of its TTL: treat it as read-only.
func (s *Source) Load(ctx context.Context) (Settings, error) {
	if s.TTL <= 0 {
		return Load(ctx, s.Table)
	}
	now := s.Clock.Now()
	if cfg, ok := s.fresh(now); ok {
		return cfg, nil
	}
	cfg, err := Load(ctx, s.Table)
	if err != nil {
		return cfg, err // nothing kept: the next request reads again
	}
	s.mu.Lock()
	s.kept, s.readAt, s.valid = cfg, now, true
	s.mu.Unlock()
	return cfg, nil
}

// fresh returns what was kept, if it was read less than TTL before now. A
// clock that went back counts as stale.
func (s *Source) fresh(now time.Time) (Settings, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.valid || now.Before(s.readAt) || now.Sub(s.readAt) >= s.TTL {
		return Settings{}, false
	}
	return s.kept, true
}
