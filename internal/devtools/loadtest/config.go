package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The sections the run sets and puts back afterwards. Languages are left
// as they are: clients sign up in the default language.
var savedSections = []string{"general", "documents", "verification", "security", "registration"}

// limits are the sizes the run gives the limits, or the server's fixed
// ones (README: sign-ups and logins per source address).
type limits struct {
	maxAccounts     int
	perNumberHour   int // sms.max_sends_per_hour
	subjectHour     int // sms.subject_sends_per_hour
	ipHour          int // sms.ip_sends_per_hour
	stackMain       int // sms.stack_sends_per_hour during the workload
	stackProbe      int // ... while the stack-wide budget is probed
	cooldownSeconds int // sms.resend_cooldown_seconds
	otpMaxAttempts  int
	maxFailedLogins int
	testSMSHour     int
	signupsPerIP    int // fixed: auth's signupRule
	loginsPerIP     int // fixed: auth's loginRule
}

var runLimits = limits{
	maxAccounts: 3, perNumberHour: 5, subjectHour: 10, ipHour: 10,
	// The largest the section takes: earlier runs within the hour (the
	// dev server keeps its data) never starve this one.
	stackMain: 100000, stackProbe: 10,
	cooldownSeconds: 60, otpMaxAttempts: 5, maxFailedLogins: 5, testSMSHour: 5,
	signupsPerIP: 20, loginsPerIP: 100,
}

// section is a configuration section as GET answers it, without version
// and warnings: what a PUT takes.
type section struct {
	doc     map[string]any
	version int64
}

func (r *runner) getSection(ctx context.Context, name string) (section, error) {
	c := call{op: "GET /admin/config/" + name, method: http.MethodGet, path: "/admin/config/" + name,
		token: r.opt.adminToken, expect: []int{200}}
	rep := r.do(ctx, r.adminIP, c)
	if rep.err != nil {
		return section{}, rep.err
	}
	if rep.status != http.StatusOK {
		return section{}, fmt.Errorf("GET /admin/config/%s: %d %s", name, rep.status, rep.body)
	}
	doc := rep.json()
	v, ok := doc["version"].(float64)
	if !ok {
		return section{}, fmt.Errorf("GET /admin/config/%s: no version in %s", name, rep.body)
	}
	delete(doc, "version")
	delete(doc, "warnings")
	return section{doc: doc, version: int64(v)}, nil
}

func (r *runner) putSection(ctx context.Context, name string, doc map[string]any, version int64, expect ...int) reply {
	if len(expect) == 0 {
		expect = []int{200}
	}
	return r.do(ctx, r.adminIP, call{op: "PUT /admin/config/" + name, method: http.MethodPut, path: "/admin/config/" + name,
		token: r.opt.adminToken, body: doc, header: map[string]string{"If-Match": strconv.Quote(strconv.FormatInt(version, 10))},
		expect: expect})
}

// setSection reads a section, lets change alter it and saves it.
func (r *runner) setSection(ctx context.Context, name string, change func(doc map[string]any)) error {
	s, err := r.getSection(ctx, name)
	if err != nil {
		return err
	}
	change(s.doc)
	rep := r.putSection(ctx, name, s.doc, s.version)
	if rep.err != nil {
		return rep.err
	}
	if rep.status != http.StatusOK {
		return fmt.Errorf("PUT /admin/config/%s: %d %s", name, rep.status, rep.body)
	}
	return nil
}

// saveSections keeps the sections as they are before the run.
func (r *runner) saveSections(ctx context.Context) error {
	r.saved = map[string]map[string]any{}
	for _, name := range savedSections {
		s, err := r.getSection(ctx, name)
		if err != nil {
			return err
		}
		r.saved[name] = s.doc
	}
	return nil
}

// restoreSections puts back what saveSections kept.
func (r *runner) restoreSections(ctx context.Context) []string {
	var failed []string
	for _, name := range savedSections {
		doc, ok := r.saved[name]
		if !ok {
			continue
		}
		if err := r.setSection(ctx, name, func(d map[string]any) {
			clear(d)
			for k, v := range doc {
				d[k] = v
			}
		}); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
		}
	}
	return failed
}

// configureRun sets the sections for the run.
func (r *runner) configureRun(ctx context.Context) error {
	l := r.lim
	steps := []struct {
		name   string
		change func(map[string]any)
	}{
		{"registration", func(d map[string]any) {
			d["confirmation"], d["activation_letter"], d["default_client_type"] = "email_and_phone", false, "personal"
		}},
		{"verification", func(d map[string]any) {
			d["open_account_on_signup"], d["required_level"], d["required_status"] = false, nil, nil
		}},
		{"general", func(d map[string]any) {
			for k, v := range generalDoc(0) {
				d[k] = v
			}
		}},
		{"security", func(d map[string]any) {
			d["mandatory_tfa"], d["tfa_operations"] = false, []string{}
			d["max_failed_logins"], d["lockout_minutes"] = l.maxFailedLogins, 15
			sms, _ := d["sms"].(map[string]any)
			if sms == nil {
				sms = map[string]any{}
				d["sms"] = sms
			}
			for k, v := range map[string]any{
				"otp_ttl_seconds": 300, "otp_max_attempts": l.otpMaxAttempts, "resend_cooldown_seconds": l.cooldownSeconds,
				"max_sends_per_hour": l.perNumberHour, "max_sends_per_day": 2 * l.perNumberHour,
				"subject_sends_per_hour": l.subjectHour, "subject_sends_per_day": 2 * l.subjectHour,
				"ip_sends_per_hour": l.ipHour, "stack_sends_per_hour": l.stackMain,
				"allowed_countries": []string{}, "max_failed_codes": 10, "failed_codes_window_minutes": 15,
				"test_sms_per_hour": l.testSMSHour, "test_sms_per_day": 4 * l.testSMSHour,
			} {
				sms[k] = v
			}
		}},
	}
	for _, s := range steps {
		if err := r.setSection(ctx, s.name, s.change); err != nil {
			return err
		}
	}
	return nil
}

// setStackBudget sets sms.stack_sends_per_hour.
func (r *runner) setStackBudget(ctx context.Context, n int) error {
	return r.setSection(ctx, "security", func(d map[string]any) {
		if sms, ok := d["sms"].(map[string]any); ok {
			sms["stack_sends_per_hour"] = n
		}
	})
}

// generalDoc is the General section the run keeps, with a marker of
// write seq (session_minutes) that the audit trail must show. The client
// settings never change: the clients' checks rely on them.
func generalDoc(seq int) map[string]any {
	return map[string]any{
		"clients": map[string]any{"max_accounts": runLimits.maxAccounts, "activate_account_on_create": true,
			"demo_account": false, "personal_manager": false, "exchange_tfa": true, "withdrawal_tfa": true},
		"security": map[string]any{"session_minutes": 60 + seq%900, "refresh_session_minutes": 1000},
	}
}

// documentsDoc is a Documents section marked by write seq (its subset of
// the four types).
func documentsDoc(seq int) map[string]any {
	all := []string{"passport_or_id", "bank_card_front", "bank_card_back", "source_of_funds"}
	req := []string{}
	for i, d := range all {
		if seq&(1<<i) != 0 {
			req = append(req, d)
		}
	}
	return map[string]any{"required": req}
}

// marker is what tells one write of a racing section from another.
func marker(name string, doc map[string]any) string {
	switch name {
	case "general":
		sec, _ := doc["security"].(map[string]any)
		return fmt.Sprint(sec["session_minutes"])
	default:
		var req []string
		list, _ := doc["required"].([]any)
		for _, v := range list {
			req = append(req, fmt.Sprint(v))
		}
		if list == nil {
			if s, ok := doc["required"].([]string); ok {
				req = s
			}
		}
		slices.Sort(req)
		return strings.Join(req, ",")
	}
}

// race is one section that admins write at once on purpose.
type race struct {
	name string
	make func(seq int) map[string]any
	v0   int64 // the version before the race

	mu     sync.Mutex
	seq    int
	writes []write
}

// write is one PUT of a race.
type write struct {
	ifMatch int64
	status  int // 0: no answer
	code    string
	version int64  // the version a 200 answered
	marker  string // the document it wrote
}

// runRace has admins GET the section and PUT it back changed, all at
// once from the versions they read, until stop: of the PUTs made from one
// version exactly one may win (the others 412), and every win must show
// in the version and the audit trail.
func (r *runner) runRace(ctx context.Context, rc *race, stop <-chan struct{}) {
	n := r.opt.admins
	for sleep(ctx, stop, 250*time.Millisecond) && r.workloadMay(2*n) { // admins are few; they still race every round
		versions := make([]int64, n)
		parallel(n, func(i int) {
			versions[i] = -1
			if s, err := r.getSection(ctx, rc.name); err == nil {
				versions[i] = s.version
			}
		})
		r.together(ctx, n, func(ctx context.Context, i int) {
			if versions[i] < 0 {
				return
			}
			rc.mu.Lock()
			rc.seq++
			doc := rc.make(rc.seq)
			rc.mu.Unlock()
			rep := r.putSection(ctx, rc.name, doc, versions[i], 200, 412)
			w := write{ifMatch: versions[i], status: rep.status, code: rep.code, marker: marker(rc.name, doc)}
			if rep.err != nil {
				w.status = 0 // no answer: it may or may not have been applied
			}
			if rep.status == http.StatusOK {
				if v, ok := rep.json()["version"].(float64); ok {
					w.version = int64(v)
				}
			}
			rc.mu.Lock()
			rc.writes = append(rc.writes, w)
			rc.mu.Unlock()
		})
	}
}

// readConfig reads every section over and over until stop.
func (r *runner) readConfig(ctx context.Context, stop <-chan struct{}) {
	names := append(slices.Clone(savedSections), "languages")
	for {
		for _, name := range names {
			if !sleep(ctx, stop, 200*time.Millisecond) || !r.workloadMay(1) {
				return
			}
			_, _ = r.getSection(ctx, name)
		}
	}
}

// raceResult is what the checks of one race found.
type raceResult struct {
	name                   string
	wins, conflicts, other int
	unanswered             int // PUTs without an answer: applied or not, the trail tells
	appliedUnanswered      int // ... of which the trail shows as applied
	v0, final              int64
	audited                int
	lost                   int      // wins the section or its trail does not show, or shows twice
	problems               []string // what is wrong, for the report
}

// checkRace checks that no write of rc was lost: one win per version read,
// each win a new version, the final version v0 + wins, one audit entry per
// win recording what it wrote, chained (each entry's before is the
// previous one's after), and the section as the last win left it.
func (r *runner) checkRace(ctx context.Context, rc *race) raceResult {
	res := raceResult{name: rc.name, v0: rc.v0}
	problem := func(f string, a ...any) {
		if len(res.problems) < 10 {
			res.problems = append(res.problems, fmt.Sprintf(f, a...))
		}
	}
	winsFrom := map[int64]int{}
	byVersion := map[int64]write{}
	unanswered := map[int64][]write{} // by the version they were made from
	for _, w := range rc.writes {
		switch w.status {
		case 0:
			res.unanswered++
			unanswered[w.ifMatch] = append(unanswered[w.ifMatch], w)
		case http.StatusOK:
			res.wins++
			winsFrom[w.ifMatch]++
			if winsFrom[w.ifMatch] == 2 {
				res.lost++
				problem("two PUTs from version %d both succeeded", w.ifMatch)
			}
			if w.version != w.ifMatch+1 {
				problem("a PUT from version %d answered version %d", w.ifMatch, w.version)
			}
			if _, dup := byVersion[w.version]; dup {
				res.lost++
				problem("version %d answered to two PUTs", w.version)
			}
			byVersion[w.version] = w
		case http.StatusPreconditionFailed:
			res.conflicts++
		default:
			res.other++
		}
	}
	final, err := r.getSection(ctx, rc.name)
	if err != nil {
		problem("final GET: %v", err)
		res.lost = max(res.lost, 1)
		return res
	}
	res.final = final.version
	entries, err := r.auditSince(ctx, rc.name, rc.v0)
	if err != nil {
		problem("audit trail: %v", err)
		res.lost = max(res.lost, 1)
		return res
	}
	res.audited = len(entries)
	// A PUT that got no answer may have been applied: the trail shows it
	// as a version no answer named, made from the version it was sent with,
	// recording what it wrote.
	for _, e := range entries {
		if _, answered := byVersion[e.Version]; answered {
			continue
		}
		for _, w := range unanswered[e.Version-1] {
			if w.marker == marker(rc.name, e.After) {
				w.version = e.Version
				byVersion[e.Version] = w
				res.appliedUnanswered++
				break
			}
		}
	}
	if got, want := final.version-rc.v0, int64(res.wins+res.appliedUnanswered); got != want {
		res.lost += int(max(want-got, got-want))
		problem("the version moved by %d for %d applied PUTs", got, want)
	}
	if last, ok := byVersion[final.version]; final.version > rc.v0 && (!ok || last.marker != marker(rc.name, final.doc)) {
		problem("the section (%s) is not what the PUT of version %d wrote", marker(rc.name, final.doc), final.version)
		res.lost = max(res.lost, 1)
	}
	seen := map[int64]bool{}
	var prevAfter string
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		if seen[e.Version] {
			res.lost++
			problem("two audit entries for version %d", e.Version)
		}
		seen[e.Version] = true
		w, ok := byVersion[e.Version]
		switch {
		case !ok:
			problem("audit entry for version %d, which no PUT of the run was answered", e.Version)
		case marker(rc.name, e.After) != w.marker:
			res.lost++
			problem("audit entry of version %d records %q, the PUT wrote %q", e.Version, marker(rc.name, e.After), w.marker)
		}
		if i < len(entries)-1 && marker(rc.name, e.Before) != prevAfter {
			problem("audit entry of version %d starts from %q, the previous one left %q", e.Version, marker(rc.name, e.Before), prevAfter)
		}
		prevAfter = marker(rc.name, e.After)
	}
	for v := range byVersion {
		if !seen[v] {
			res.lost++
			problem("no audit entry for version %d", v)
		}
	}
	return res
}

type auditEntry struct {
	Version int64          `json:"version"`
	Before  map[string]any `json:"before"`
	After   map[string]any `json:"after"`
}

// auditSince pages through the section's audit trail (newest first) down
// to version v0.
func (r *runner) auditSince(ctx context.Context, name string, v0 int64) ([]auditEntry, error) {
	var out []auditEntry
	cursor := ""
	for page := 0; page < 1000; page++ {
		q := url.Values{"section": {name}, "limit": {"100"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		rep := r.do(ctx, r.adminIP, call{op: "GET /admin/audit", method: http.MethodGet, path: "/admin/audit?" + q.Encode(),
			token: r.opt.adminToken, expect: []int{200}})
		if rep.err != nil {
			return nil, rep.err
		}
		if rep.status != http.StatusOK {
			return nil, fmt.Errorf("GET /admin/audit: %d %s", rep.status, rep.body)
		}
		var p struct {
			Items []auditEntry `json:"items"`
			Next  *string      `json:"next_cursor"`
		}
		if err := json.Unmarshal(rep.body, &p); err != nil {
			return nil, err
		}
		for _, e := range p.Items {
			if e.Version <= v0 {
				return out, nil
			}
			out = append(out, e)
		}
		if p.Next == nil {
			return out, nil
		}
		cursor = *p.Next
	}
	return out, fmt.Errorf("audit trail of %s: more than 1000 pages", name)
}
