package settings_test

import (
	"context"
	"testing"
	"time"

	"clientarea/internal/client/settings"
	"clientarea/internal/testsupport/apptest"
)

func sessionMinutes(t *testing.T, src *settings.Source) int {
	t.Helper()
	cfg, err := src.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return *cfg.General.Security.SessionMinutes
}

func saveSessionMinutes(env *apptest.Env, minutes int) {
	env.Configure("general", "general", map[string]any{"security": map[string]any{"session_minutes": minutes}})
}

// With a TTL, an instance keeps what it read for exactly that long: an
// admin's change reaches it at the first read TTL after the kept one, not
// before. Without one, the next read sees the change.
func TestSourceKeepsTheConfigurationForItsTTL(t *testing.T) {
	env := apptest.New(t)
	saveSessionMinutes(env, 30)
	const ttl = time.Minute
	cached := settings.NewSource(env.Deps.Table, env.Clock, ttl)
	uncached := settings.NewSource(env.Deps.Table, env.Clock, 0)
	readAt := env.Clock.Now()
	if got := sessionMinutes(t, cached); got != 30 {
		t.Fatalf("first read: %d", got)
	}

	saveSessionMinutes(env, 45)
	if got := sessionMinutes(t, uncached); got != 45 {
		t.Fatalf("without a TTL the change shows at once; got %d", got)
	}
	env.Clock.Set(readAt.Add(ttl - time.Millisecond)) // the admin client's saves move the clock too
	if got := sessionMinutes(t, cached); got != 30 {
		t.Fatalf("within the TTL: got %d, want the kept 30", got)
	}
	env.Clock.Set(readAt.Add(ttl))
	if got := sessionMinutes(t, cached); got != 45 {
		t.Fatalf("at the TTL: got %d, want the saved 45", got)
	}

	// A clock that went back (a new fake time, an NTP step) reads again.
	saveSessionMinutes(env, 50)
	env.Clock.Set(readAt.Add(ttl - time.Second))
	if got := sessionMinutes(t, cached); got != 50 {
		t.Fatalf("after the clock went back: got %d, want 50", got)
	}
}
