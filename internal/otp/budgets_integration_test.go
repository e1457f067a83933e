package otp_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/security"
	"clientarea/internal/testsupport/apptest"
)

// The send budgets, as an attacker would probe them: bursts across an
// hour boundary, many numbers from one subject, many subjects from one
// address, concurrent floods. Every count is exact.

// defaultPolicy is the policy of a security section left at its defaults:
// 60 s resend cooldown per number and purpose; per number 5 an hour and 10
// a day; per subject 10 an hour and 20 a day; 20 an hour per address; 200
// an hour for the stack.
func defaultPolicy() otp.Policy { return security.Section().Default().OTPPolicy() }

// mobileNo is the i-th of a run of German mobile numbers.
func mobileNo(i int) string { return fmt.Sprintf("+491511234%04d", i) }

// request asks for a code; nil means an SMS went out.
func (h harness) request(pol otp.Policy, req otp.Request) error {
	if req.Purpose == "" {
		req.Purpose = otp.Login
	}
	_, err := h.engine.Issue(ctx, pol, req)
	return err
}

// requestAll sends the n requests at the same instant, concurrently.
func (h harness) requestAll(pol otp.Policy, n int, req func(i int) otp.Request) []error {
	return apptest.Concurrently(n, func(i int) error { return h.request(pol, req(i)) })
}

// tally counts the sends that went out and those refused with
// rate_limited, failing t on any other answer (a 5xx above all).
func tallySends(t *testing.T, errs []error) (sent, limited int) {
	t.Helper()
	for _, err := range errs {
		switch e, _ := apperr.As(err); {
		case err == nil:
			sent++
		case e != nil && e.Code == "rate_limited" && e.RetryAfter > 0:
			limited++
		default:
			t.Fatalf("a send answered %v; want only SMS sent and rate_limited", err)
		}
	}
	return sent, limited
}

// smsSent is how many SMS the outbox holds.
func (h harness) smsSent() int { return len(h.env.Deps.Outbox.List()) }

// limitedFor fails t unless err is rate_limited with exactly wait.
func limitedFor(t *testing.T, err error, wait time.Duration) {
	t.Helper()
	if e := expectCode(t, err, apperr.RateLimited, "rate_limited"); e.RetryAfter != wait {
		t.Fatalf("Retry-After %v, want %v", e.RetryAfter, wait)
	}
}

// clockAt is hh:mm:ss on the day the test clock starts.
func clockAt(hh, mm, ss int) time.Time {
	y, m, d := apptest.Start.Date()
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

// step is the i-th of distinct purposes, so that the resend cooldown (per
// purpose) never stands in for the cap under test.
func step(i int) otp.Purpose { return otp.Operation(fmt.Sprintf("step-%d", i)) }

// Five sends at 09:55 fill the hour: at 10:04 a sixth is refused (a clock
// hour would have let five more through), until the first of them is an
// hour old.
func TestNoDoubleBurstAcrossTheHour(t *testing.T) {
	h := setup(t)
	pol := defaultPolicy()
	h.env.Clock.Set(clockAt(9, 55, 0))
	for i := range 5 {
		if err := h.request(pol, otp.Request{Purpose: step(i), Subject: "c-1", Phone: number}); err != nil {
			t.Fatalf("send %d at 09:55: %v", i+1, err)
		}
	}
	h.env.Clock.Set(clockAt(10, 4, 0))
	limitedFor(t, h.request(pol, otp.Request{Purpose: step(5), Subject: "c-1", Phone: number}), 51*time.Minute)
	h.env.Clock.Set(clockAt(10, 54, 59))
	limitedFor(t, h.request(pol, otp.Request{Purpose: step(5), Subject: "c-1", Phone: number}), time.Second)
	h.env.Clock.Set(clockAt(10, 55, 1))
	if err := h.request(pol, otp.Request{Purpose: step(5), Subject: "c-1", Phone: number}); err != nil {
		t.Fatalf("at 10:55:01: %v", err)
	}
	if n := h.smsSent(); n != 6 {
		t.Fatalf("%d SMS sent, want 6", n)
	}
}

// Ten sends to one number in two hours fill its day; the eleventh waits
// until the first is 24 hours old, even though the hour has room.
func TestDailyCapPerNumber(t *testing.T) {
	h := setup(t)
	pol := defaultPolicy()
	sendAt := func(at time.Time, i int) error {
		h.env.Clock.Set(at)
		return h.request(pol, otp.Request{Purpose: step(i), Subject: fmt.Sprintf("c-%d", i), Phone: number})
	}
	for i := range 10 {
		if err := sendAt(clockAt(9+i/5, 0, 0), i); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	limitedFor(t, sendAt(clockAt(11, 0, 0), 10), 22*time.Hour)
	h.env.Clock.Set(clockAt(8, 59, 59))
	h.env.Clock.Advance(24 * time.Hour)
	limitedFor(t, h.request(pol, otp.Request{Purpose: step(11), Subject: "c-11", Phone: number}), time.Second)
	h.env.Clock.Advance(time.Second) // 09:00 the next day: the five of 09:00 are a day old
	for i := 12; i < 17; i++ {
		if err := h.request(pol, otp.Request{Purpose: step(i), Subject: fmt.Sprintf("c-%d", i), Phone: number}); err != nil {
			t.Fatalf("next day, send %d: %v", i-11, err)
		}
	}
	limitedFor(t, h.request(pol, otp.Request{Purpose: step(17), Subject: "c-17", Phone: number}), time.Hour)
	if n := h.smsSent(); n != 15 {
		t.Fatalf("%d SMS sent, want 15", n)
	}
}

// One subject asking for codes to 60 numbers at the same instant gets
// exactly its hourly budget out; its day allows one more hour of it.
func TestSubjectBudgetAcrossManyNumbers(t *testing.T) {
	h := setup(t)
	pol := defaultPolicy()
	req := func(i int) otp.Request { return otp.Request{Subject: "pumper", Phone: mobileNo(i)} }
	sent, limited := tallySends(t, h.requestAll(pol, 60, req))
	if sent != 10 || limited != 50 || h.smsSent() != 10 {
		t.Fatalf("%d sent, %d limited, %d SMS; want 10, 50, 10", sent, limited, h.smsSent())
	}
	h.env.Clock.Advance(time.Hour)
	sent, _ = tallySends(t, h.requestAll(pol, 20, func(i int) otp.Request { return req(100 + i) }))
	if sent != 10 {
		t.Fatalf("the second hour: %d sent, want 10", sent)
	}
	h.env.Clock.Advance(time.Hour)
	limitedFor(t, h.request(pol, req(200)), 22*time.Hour) // 20 a day
	if err := h.request(pol, otp.Request{Subject: "someone-else", Phone: mobileNo(200)}); err != nil {
		t.Fatalf("another subject: %v", err)
	}
	if n := h.smsSent(); n != 21 {
		t.Fatalf("%d SMS sent, want 21", n)
	}
}

// One address asking for codes for 40 subjects (each its own number) gets
// exactly its hourly budget out, and an IPv6 host cannot rotate through
// its /64 to get more.
func TestAddressBudgetAcrossManySubjects(t *testing.T) {
	for name, source := range map[string]func(i int) string{
		"ipv4":          func(int) string { return "203.0.113.7" },
		"ipv6 rotating": func(i int) string { return fmt.Sprintf("2001:db8:1:2::%x", i+1) },
	} {
		t.Run(name, func(t *testing.T) {
			h := setup(t)
			pol := defaultPolicy()
			req := func(i int) otp.Request {
				return otp.Request{Subject: fmt.Sprintf("c-%d", i), Phone: mobileNo(i), SourceIP: source(i)}
			}
			sent, limited := tallySends(t, h.requestAll(pol, 40, req))
			if sent != 20 || limited != 20 || h.smsSent() != 20 {
				t.Fatalf("%d sent, %d limited, %d SMS; want 20, 20, 20", sent, limited, h.smsSent())
			}
			if err := h.request(pol, otp.Request{Subject: "c-x", Phone: mobileNo(99), SourceIP: "198.51.100.1"}); err != nil {
				t.Fatalf("another address: %v", err)
			}
		})
	}
}

// The resend cooldown holds a second code for the same step, not the next
// step: a login code and then a withdrawal code go out at once.
func TestCooldownIsPerPurpose(t *testing.T) {
	h := setup(t)
	pol := defaultPolicy()
	login := otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number}
	withdraw := otp.Request{Purpose: otp.Operation("withdraw"), Subject: "c-1", Phone: number}
	if err := h.request(pol, login); err != nil {
		t.Fatal(err)
	}
	if err := h.request(pol, withdraw); err != nil {
		t.Fatalf("a withdrawal code right after a login code: %v", err)
	}
	h.env.Clock.Advance(15 * time.Second)
	limitedFor(t, h.request(pol, login), 45*time.Second)
	limitedFor(t, h.request(pol, withdraw), 45*time.Second)
	h.env.Clock.Advance(45 * time.Second)
	if err := h.request(pol, login); err != nil {
		t.Fatalf("after the cooldown: %v", err)
	}
	if n := h.smsSent(); n != 3 {
		t.Fatalf("%d SMS sent, want 3", n)
	}
}

// Concurrent sends to one number: of one step, exactly one goes out (the
// cooldown); of different steps and subjects, exactly the number's hourly
// cap.
func TestConcurrentSendsToOneNumber(t *testing.T) {
	cases := []struct {
		name string
		req  func(i int) otp.Request
		want int
	}{
		{"one step", func(int) otp.Request { return otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number} }, 1},
		{"many steps and subjects", func(i int) otp.Request {
			return otp.Request{Purpose: step(i), Subject: fmt.Sprintf("c-%d", i), Phone: number}
		}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := setup(t)
			sent, limited := tallySends(t, h.requestAll(defaultPolicy(), 30, c.req))
			if sent != c.want || limited != 30-c.want || h.smsSent() != c.want {
				t.Fatalf("%d sent, %d limited, %d SMS; want %d of 30", sent, limited, h.smsSent(), c.want)
			}
		})
	}
}

// The stack-wide budget is written by every send. Under a flood of
// concurrent sends from distinct subjects, numbers and addresses, exactly
// the budget goes out and the rest are refused, with no 5xx; a burst that
// fits goes out whole, however many of its writes collide.
func TestStackBudgetUnderConcurrency(t *testing.T) {
	cases := []struct {
		name       string
		sends, cap int
	}{
		{"flood over the budget", 200, 150},
		{"burst within it", 150, 150},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, races := setupCountingRaces(t)
			pol := defaultPolicy()
			pol.StackSendsPerHour = c.cap
			errs := h.requestAll(pol, c.sends, func(i int) otp.Request {
				return otp.Request{Subject: fmt.Sprintf("c-%d", i), Phone: mobileNo(i), SourceIP: fmt.Sprintf("198.51.100.%d", i)}
			})
			sent, limited := tallySends(t, errs)
			want := min(c.sends, c.cap)
			if sent != want || limited != c.sends-want || h.smsSent() != want {
				t.Fatalf("%d sent, %d limited, %d SMS; want %d sent of %d", sent, limited, h.smsSent(), want, c.sends)
			}
			for _, err := range errs {
				if err != nil { // all went out at the same instant: the first slot frees in an hour
					limitedFor(t, err, time.Hour)
				}
			}
			if races.Load() == 0 {
				t.Fatal("no transaction collided with another: the burst did not test contention")
			}
			t.Logf("%d sends, budget %d: %d sent, %d refused; %d transactions lost a race and were retried",
				c.sends, c.cap, sent, limited, races.Load())
		})
	}
}

// setupCountingRaces is setup with the table's client counting the
// limit transactions cancelled by a concurrent one.
func setupCountingRaces(t *testing.T) (harness, *atomic.Int64) {
	env := apptest.NewFor(t, "security")
	db := &raceCounter{API: env.Deps.Table.DB}
	env.Deps.Table.DB = db
	return harness{env: env, engine: engine(t, env)}, &db.races
}

type raceCounter struct {
	dynamo.API
	races atomic.Int64
}

func (c *raceCounter) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := c.API.TransactWriteItems(ctx, in, opts...)
	if takesLimits(in) && len(dynamo.CancellationReasons(err)) > 0 {
		c.races.Add(1)
	}
	return out, err
}

// takesLimits reports whether in is the limiter's transaction: it writes
// rate-limit items only.
func takesLimits(in *dynamodb.TransactWriteItemsInput) bool {
	for _, it := range in.TransactItems {
		if it.Update == nil {
			return false
		}
		if pk, _ := it.Update.Key["PK"].(*types.AttributeValueMemberS); pk == nil || !strings.HasPrefix(pk.Value, "RATE#") {
			return false
		}
	}
	return true
}
