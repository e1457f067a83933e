package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// report prints the summary and the checks; it returns whether all passed.
func (r *runner) report(workload, total time.Duration, probes []*probe, races []raceResult, deadline error) bool {
	s := r.stats
	s.mu.Lock()
	defer s.mu.Unlock()

	sent := int64(0)
	for _, st := range s.ops {
		for _, n := range st.counts {
			sent += int64(n)
		}
	}
	fmt.Printf("\n%d requests in %.1fs (workload %.1fs, %.0f requests/s), %d clients, run %s from 127.%d.0.0/16\n\n",
		sent, total.Seconds(), workload.Seconds(), float64(sent)/total.Seconds(), r.opt.clients, r.id, r.octet)

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "route\trequests\tp50\tp99\tanswers")
	for _, op := range slices.Sorted(maps.Keys(s.ops)) {
		st := s.ops[op]
		n := 0
		for _, c := range st.counts {
			n += c
		}
		p50, p99 := percentile(st.lat, 0.50), percentile(st.lat, 0.99)
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\n", op, n, ms(p50), ms(p99), answers(st.counts))
	}
	w.Flush()

	fmt.Println("\nclients' scenario (how many reached each stage):")
	for i, name := range stages {
		fmt.Printf("  %-28s %d\n", name, r.funnel[i].Load())
	}

	fmt.Println("\nsingle use (presented at once, then once more; exactly one may succeed):")
	w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  code / token\tpresented\taccepted once\taccepted twice or more\tnever accepted\tinconclusive")
	var twice, none int
	for _, kind := range slices.Sorted(maps.Keys(r.uses)) {
		u := r.uses[kind]
		twice += u.twice
		none += u.none
		fmt.Fprintf(w, "  %s\t%d\t%d\t%d\t%d\t%d\n", kind, u.groups, u.once, u.twice, u.none, u.inconclusive)
	}
	w.Flush()
	fmt.Printf("  sessions still working after their rotated refresh token came back: %d\n", r.notRevoked.Load())

	fmt.Println("\nconfiguration written by racing admins (PUTs from one version at the same moment):")
	lost := 0
	for _, rr := range races {
		lost += rr.lost
		fmt.Printf("  %-10s %d won (200), %d refused (412), %d other, %d unanswered (%d of them applied); version %d -> %d; %d audit entries; lost updates %d\n",
			rr.name, rr.wins, rr.conflicts, rr.other, rr.unanswered, rr.appliedUnanswered, rr.v0, rr.final, rr.audited, rr.lost)
		for _, p := range rr.problems {
			fmt.Println("     ", p)
		}
	}

	fmt.Println("\nlimits (each driven past its size):")
	held := true
	for _, p := range probes {
		status := "held"
		switch {
		case !p.ran:
			status = "NOT RUN"
		case !p.held:
			status = "BROKEN"
			held = false
		}
		fmt.Printf("  %-62s %-7s %s\n", p.name, status, p)
	}
	fmt.Printf("  %-62s %-7s %d clients, %d opened more than max_accounts (%d), %d whose list differs from what opened\n",
		"accounts per client (max_accounts)", heldWord(r.acct.over == 0), r.acct.clients, r.acct.over, r.lim.maxAccounts, r.acct.mismatch)

	fmt.Printf("\noutbox: %d SMS, %d emails seen in %d polls; polls that may have missed messages: %d; codes or emails that never came: %d\n",
		r.box.sms, r.box.emails, r.box.polls, r.box.gaps, r.noMessage.Load())
	fmt.Printf("429 rate_limited retried where no budget of the client was full (contention): %d; requests cancelled at the deadline: %d\n",
		r.contended.Load(), s.cancelled.Load())

	show := func(title string, samples []sample, n int) {
		if n == 0 {
			return
		}
		fmt.Printf("\n%s (%d; the first %d):\n", title, n, len(samples))
		for _, sm := range samples {
			fmt.Println("  ", sm)
		}
	}
	show("5xx answers", s.server, s.n5xx)
	show("no answer", s.transport, s.nTrans)
	show("answers the workload did not expect", s.unexpect, s.nUnexp)

	ranAll := true
	for _, p := range probes {
		ranAll = ranAll && p.ran
	}
	checks := []struct {
		name string
		ok   bool
		got  string
	}{
		{"no 5xx", s.n5xx == 0, strconv.Itoa(s.n5xx)},
		{"every request answered", s.nTrans == 0, strconv.Itoa(s.nTrans)},
		{"no unexpected answer", s.nUnexp == 0, strconv.Itoa(s.nUnexp)},
		{"no lost update", lost == 0 && len(races) == 2, strconv.Itoa(lost)},
		{"no code or token used twice", twice == 0 && r.notRevoked.Load() == 0, strconv.FormatInt(int64(twice)+r.notRevoked.Load(), 10)},
		{"every valid code or token accepted once", none == 0, strconv.Itoa(none)},
		{"every limit held", held && r.acct.over == 0, heldWord(held && r.acct.over == 0)},
		{"every limit probe ran", ranAll && len(probes) == 8, fmt.Sprintf("%d of 8", countRan(probes))},
		{"outbox read completely", r.box.gaps == 0 && r.noMessage.Load() == 0, strconv.Itoa(r.box.gaps)},
		{"finished before the deadline", deadline == nil, fmt.Sprint(deadline)},
	}
	fmt.Println("\nchecks:")
	ok := true
	for _, c := range checks {
		mark := "ok  "
		if !c.ok {
			mark, ok = "FAIL", false
		}
		fmt.Printf("  %s %-42s %s\n", mark, c.name, c.got)
	}
	if done := r.funnel[len(stages)-1].Load(); done < int64(r.opt.clients) {
		fmt.Printf("\nnote: %d of %d clients finished their scenario within the deadline and request budget\n", done, r.opt.clients)
	}
	return ok
}

func countRan(probes []*probe) int {
	n := 0
	for _, p := range probes {
		if p.ran {
			n++
		}
	}
	return n
}

func heldWord(ok bool) string {
	if ok {
		return "held"
	}
	return "BROKEN"
}

// answers lists the counts by status (and problem code), most first.
func answers(counts map[string]int) string {
	keys := slices.Collect(maps.Keys(counts))
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", k, counts[k])
	}
	return strings.Join(parts, " ")
}

func percentile(lat []time.Duration, q float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
}
