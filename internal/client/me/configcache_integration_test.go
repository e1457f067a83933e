package me_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"clientarea/internal/testsupport/apptest"
)

// requiredActions is what GET /me tells c to do.
func (c *client) requiredActions() []string {
	c.w.t.Helper()
	var p struct {
		RequiredActions []string `json:"required_actions"`
	}
	c.do(http.MethodGet, "/me", nil).Expect(c.w.t, 200).Decode(c.w.t, &p)
	return p.RequiredActions
}

// With CONFIG_CACHE_SECONDS set, a me instance answers from the
// configuration it read for that long: mandatory 2FA shows in GET /me's
// required actions once the kept configuration is older than the TTL, not
// before. Without it (every other test), the next request sees it.
func TestMeKeepsTheConfigurationForConfigCacheSeconds(t *testing.T) {
	const ttl = 30 * time.Second
	env := apptest.New(t)
	env.Deps.Config.ConfigCacheTTL = ttl
	w := &world{t: t, env: env, auth: env.Handler("auth"), me: env.Handler("me")}
	c := w.signup("ann@example.com")

	readAt := env.Clock.Now()
	if got := c.requiredActions(); len(got) != 0 {
		t.Fatalf("before: %v", got)
	}
	env.Configure("security", "security", map[string]any{"mandatory_tfa": true})
	if got := c.requiredActions(); slices.Contains(got, "setup_tfa") {
		t.Fatalf("within the TTL the kept configuration answers; got %v", got)
	}
	env.Clock.Set(readAt.Add(ttl))
	if got := c.requiredActions(); !slices.Contains(got, "setup_tfa") {
		t.Fatalf("after the TTL: %v, want setup_tfa", got)
	}
}
