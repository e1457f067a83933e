package settings

import (
	"context"
	"time"

	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/kept"
)

// Source is where a client function gets the configuration of a request:
// read from the table, or, with a TTL, kept for that long by the instance
// that read it (package kept).
//
// With TTL 0 (the default, CONFIG_CACHE_SECONDS unset) every request reads
// it, and an admin's change governs the next request of every client.
// With TTL T, a change reaches each instance at most T after the save: a
// shorter session_minutes, mandatory 2FA or a lower send budget applies
// within T. Only the sections are kept: sessions, profiles, tokens and
// budgets are read per request whatever T is.
type Source struct {
	table dynamo.Table
	clock clock.Clock
	kept  kept.Value[Settings]
}

// NewSource returns the configuration of table, kept for ttl (0: read
// with every request).
func NewSource(table dynamo.Table, clk clock.Clock, ttl time.Duration) *Source {
	return &Source{table: table, clock: clk, kept: kept.Value[Settings]{TTL: ttl}}
}

// Load returns the configuration that governs a request now. The value is
// shared by the requests of its TTL: treat it as read-only.
func (s *Source) Load(ctx context.Context) (Settings, error) {
	now := s.clock.Now()
	if cfg, ok := s.kept.Get(now); ok {
		return cfg, nil
	}
	cfg, err := Load(ctx, s.table)
	if err != nil {
		return cfg, err // nothing kept: the next request reads again
	}
	s.kept.Keep(cfg, now)
	return cfg, nil
}
