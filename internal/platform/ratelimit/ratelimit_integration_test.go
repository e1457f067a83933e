package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/ratelimit"
	"clientarea/internal/testsupport/apptest"
)

// Concurrent requests cannot overrun a limit: the counter is a conditional
// update, not a read followed by a write.
func TestConcurrentTakesNeverExceedTheLimit(t *testing.T) {
	env := apptest.NewFor(t, "security") // the function that limits SMS
	l := ratelimit.Limiter{Table: env.Deps.Table}
	rule := ratelimit.Rule{Kind: "sms_hour", Subject: "+4915112345678", Limit: 3, Per: time.Hour}
	const n = 12
	errs := apptest.Concurrently(n, func(int) error { return l.Take(context.Background(), env.Clock.Now(), rule) })
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.CodeOf(err) != "rate_limited":
			t.Fatalf("unexpected error %v", err)
		}
	}
	if ok != 3 {
		t.Fatalf("%d of %d takes admitted, want 3", ok, n)
	}
}

// When one rule refuses, no rule counts: the refused action used nothing.
func TestARefusedTakeCountsNothing(t *testing.T) {
	env := apptest.NewFor(t, "security") // the function that limits SMS
	l := ratelimit.Limiter{Table: env.Deps.Table}
	ctx, now := context.Background(), env.Clock.Now()
	cooldown := ratelimit.Rule{Kind: "sms_cooldown", Subject: "s", Gap: time.Minute}
	hourly := ratelimit.Rule{Kind: "sms_hour", Subject: "s", Limit: 2, Per: time.Hour}
	if err := l.Take(ctx, now, cooldown, hourly); err != nil {
		t.Fatal(err)
	}
	for range 5 { // refused by the cooldown: the hourly counter must stay at 1
		err := l.Take(ctx, now.Add(10*time.Second), cooldown, hourly)
		if e, ok := apperr.As(err); !ok || e.Code != "rate_limited" || e.RetryAfter != 50*time.Second {
			t.Fatalf("during the cooldown: %v", err)
		}
	}
	if err := l.Take(ctx, now.Add(time.Minute), cooldown, hourly); err != nil {
		t.Fatalf("second action after the cooldown: %v", err)
	}
	err := l.Take(ctx, now.Add(2*time.Minute), cooldown, hourly)
	if e, ok := apperr.As(err); !ok || e.RetryAfter != 58*time.Minute {
		t.Fatalf("third action in the hour: %v, want Retry-After 58m", err)
	}
}
