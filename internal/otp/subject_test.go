package otp

import (
	"testing"
	"time"
)

var t0 = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

// stateOf is a subject state with wrong codes at the given offsets from t0.
func stateOf(ch item, offsets ...time.Duration) subjectState {
	var st subjectState
	for _, d := range offsets {
		st.Failures = append(st.Failures, failure{at: t0.Add(d), challenge: ch.ID}.String())
	}
	return st
}

func TestTheLockSlidesWithTheWrongCodes(t *testing.T) {
	ch := item{ID: newID()}
	st := stateOf(ch, 0, 10*time.Second, 20*time.Second) // 3 wrong codes, at most 3 in 15 minutes
	cases := []struct {
		at   time.Duration
		want time.Duration
	}{
		{20 * time.Second, 15*time.Minute - 20*time.Second},
		{15*time.Minute - time.Nanosecond, time.Nanosecond},
		{15 * time.Minute, 0}, // the first stops counting exactly a window later
		{15*time.Minute + 15*time.Second, 0},
	}
	for _, c := range cases {
		if got := st.lockedFor(t0.Add(c.at), 3, 15*time.Minute); got != c.want {
			t.Errorf("at +%v: locked for %v, want %v", c.at, got, c.want)
		}
	}
	// A stricter policy than the one the codes were counted under waits
	// for the max-th most recent one.
	if got := st.lockedFor(t0.Add(time.Minute), 2, 15*time.Minute); got != 14*time.Minute+10*time.Second {
		t.Errorf("max 2: locked for %v", got)
	}
}

func TestTheFailureListKeepsOnlyWhatCounts(t *testing.T) {
	ch := item{ID: newID(), CreatedAt: t0, ExpiresAt: t0.Add(5 * time.Minute), FailWindow: 10 * time.Minute}
	st := stateOf(ch, 0, time.Minute, 9*time.Minute)
	list := subjectState{Failures: st.withFailure(ch, t0.Add(10*time.Minute))}.failures(time.Time{})
	if len(list) != 3 || !list[0].at.Equal(t0.Add(time.Minute)) || !list[2].at.Equal(t0.Add(10*time.Minute)) ||
		list[2].challenge != ch.ID {
		t.Fatalf("list %v, want the wrong codes at +1m, +9m and +10m", list)
	}
	// Never more than maxKeptFailures, the newest kept.
	var offsets []time.Duration
	for i := range maxKeptFailures + 50 {
		offsets = append(offsets, time.Duration(i)*time.Millisecond)
	}
	long := stateOf(ch, offsets...).withFailure(ch, t0.Add(time.Second))
	if len(long) != maxKeptFailures || long[len(long)-1] != (failure{at: t0.Add(time.Second), challenge: ch.ID}).String() {
		t.Fatalf("%d kept, last %q", len(long), long[len(long)-1])
	}
}

func TestAttemptsOnAChallengeCountItsWrongCodes(t *testing.T) {
	a, b := item{ID: newID()}, item{ID: newID()}
	st := stateOf(a, 0, time.Second)
	st.Failures = append(st.Failures, stateOf(b, 2*time.Second).Failures...)
	if n := st.attemptsOn(a.ID); n != 2 {
		t.Errorf("attempts on a: %d", n)
	}
	if n := st.attemptsOn(b.ID); n != 1 {
		t.Errorf("attempts on b: %d", n)
	}
}

func TestIDsThatCannotBeChallenges(t *testing.T) {
	for _, id := range []string{"", "abc", newID() + "A", newID()[:31] + "1", newID()[:31] + "#", "subject#login#0123456789abcdef01"} {
		if validID(id) {
			t.Errorf("validID(%q)", id)
		}
	}
}
