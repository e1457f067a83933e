package main

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
)

// probe is one limit driven past its size, and what it admitted.
type probe struct {
	name     string
	limit    int    // the most it may admit
	admitted int    // what the answers say it admitted
	refused  int    // 429s (or the answer that refuses)
	other    int    // any other answer
	sent     int    // SMS that reached the outbox, where the limit is on SMS (-1: not counted)
	note     string // what else was checked, and how it went
	held     bool
	ran      bool
	cut      bool // the deadline cut it off: its counts are partial

	mu sync.Mutex // guards the counts while the probe's requests run at once
}

// tally counts one answer: admitted when it has status ok, refused when a
// 429, other otherwise. It reports whether the answer was admitted.
func (p *probe) tally(rep reply, ok int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case rep.ok(ok):
		p.admitted++
		return true
	case rep.ok(429):
		p.refused++
	default:
		p.other++
	}
	return false
}

// within reports whether the probe admitted no more than its limit, and
// no more SMS reached the outbox, where those are counted.
func (p *probe) within() bool {
	return p.admitted <= p.limit && p.sent <= p.limit
}

func (p *probe) String() string {
	s := fmt.Sprintf("admitted %d of at most %d, refused %d", p.admitted, p.limit, p.refused)
	if p.other > 0 {
		s += fmt.Sprintf(", other %d", p.other)
	}
	if p.sent >= 0 {
		s += fmt.Sprintf(", SMS in the outbox %d", p.sent)
	}
	if p.note != "" {
		s += "; " + p.note
	}
	if p.cut {
		s = "cut off at the deadline: " + s
	}
	return s
}

// Address blocks of the run's 127.R.0.0/16: clients use blocks 0-199.
const (
	blockSignupIP = 200 + iota
	blockNumber
	blockSubject
	blockLoginIP
	blockLockout
	blockAttempts
	blockTestSMS
	blockAdmin = 250
)

// probes runs the limit probes that go on during the workload, at once.
func (r *runner) probes(ctx context.Context) []*probe {
	fns := []func(context.Context) *probe{
		r.probeSignupsPerIP, r.probePerNumber, r.probePerSubject, r.probeLoginsPerIP,
		r.probeLockout, r.probeAttempts, r.probeTestSMS,
	}
	out := make([]*probe, len(fns))
	parallel(len(fns), func(i int) {
		out[i] = fns[i](ctx)
		if ctx.Err() != nil && out[i].ran {
			out[i].ran, out[i].cut = false, true
		}
	})
	return out
}

// prober is a client of a probe, at the first address of block.
func (r *runner) prober(block int, name string) *vclient {
	return r.newClient(r.addr(block, 1), "probe-"+name)
}

// probeSignupsPerIP signs up more clients from one address than the
// sign-up limit allows, each with a phone: the sign-ups hold the sign-up
// limit, their confirmation SMS the per-address SMS budget (smaller).
func (r *runner) probeSignupsPerIP(ctx context.Context) *probe {
	p := &probe{name: "sign-ups per source address (auth, fixed)", limit: r.lim.signupsPerIP, sent: -1, ran: true}
	sms := &probe{limit: r.lim.ipHour} // their confirmation SMS: admitted counts the phone challenges
	ip := r.addr(blockSignupIP, r.probeHost)
	n := r.lim.signupsPerIP + 5
	phones := make([]string, n)
	r.together(ctx, n, func(ctx context.Context, i int) {
		c := r.newClient(ip, fmt.Sprintf("probe-ip%d", i))
		phones[i] = c.phone
		rep := c.post(ctx, "POST /auth/signup", "/auth/signup", "",
			map[string]any{"email": c.email, "password": c.password, "phone": c.phone}, 201, 429)
		if p.tally(rep, 201) && str(rep.json(), "phone_challenge", "challenge_id") != "" {
			sms.tally(rep, 201)
		}
	})
	r.later(func() {
		sms.sent = r.box.total(phones...)
		p.held = p.within() && sms.within()
		p.note = fmt.Sprintf("their confirmation SMS (sms.ip_sends_per_hour %d): %d challenges, %d in the outbox",
			sms.limit, sms.admitted, sms.sent)
	})
	return p
}

// probePerNumber sends codes for seven purposes, twice each and all at
// once, to the confirmed phone of one client: the resend cooldown admits
// at most one per purpose, the number's hourly budget at most
// max_sends_per_hour in all (the sign-up's code included). Each request
// comes from an address of its own, so only the number's budgets bind.
func (r *runner) probePerNumber(ctx context.Context) *probe {
	p := &probe{name: "SMS per number (sms.max_sends_per_hour) and resend cooldown", limit: r.lim.perNumberHour, ran: true}
	c := r.prober(blockNumber, "number")
	if !c.signUp(ctx) || !c.confirmEmail(ctx) || !c.confirmPhone(ctx) || !c.enableTFA(ctx) {
		p.ran, p.note = false, "the probe's client could not be set up"
		return p
	}
	ops := []string{"withdraw", "exchange", "change_phone", "remove_phone", "disable_tfa"}
	type attempt struct{ purpose, kind string }
	var attempts []attempt
	for _, op := range ops {
		attempts = append(attempts, attempt{op, "challenge"}, attempt{op, "challenge"})
	}
	attempts = append(attempts, attempt{"login", "login"}, attempt{"login", "login"},
		attempt{"password_reset", "reset"}, attempt{"password_reset", "reset"})
	perPurpose := map[string]int{}
	r.together(ctx, len(attempts), func(ctx context.Context, i int) {
		a := attempts[i]
		ip := r.addr(blockNumber, 2+i)
		var rep reply
		admitted := false
		switch a.kind {
		case "challenge":
			rep = r.post(ctx, ip, "/me/tfa/challenges", c.signup.token, map[string]any{"operation": a.purpose}, 202, 429)
			admitted = rep.ok(202)
		case "login":
			rep = r.post(ctx, ip, "/auth/login", "", map[string]any{"email": c.email, "password": c.password}, 200, 429)
			admitted = rep.ok(200) && rep.json()["tfa_required"] == true
		case "reset": // 202 whatever happened: only the outbox tells
			rep = r.post(ctx, ip, "/auth/password-reset", "", map[string]any{"email": c.email}, 202)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		switch {
		case admitted:
			p.admitted++
			perPurpose[a.purpose]++
		case rep.ok(429):
			p.refused++
		case a.kind == "reset" && rep.ok(202):
		default:
			p.other++
		}
	})
	p.admitted++ // the sign-up's code
	r.later(func() {
		p.sent = r.box.count(c.phone, 0)
		twice := []string{}
		for purpose, n := range perPurpose {
			if n > 1 {
				twice = append(twice, purpose)
			}
		}
		p.held = p.within() && len(twice) == 0
		p.note = fmt.Sprintf("admitted twice within the cooldown: %v (want none); password-reset codes count only in the outbox", twice)
	})
	return p
}

// probePerSubject has one client ask for codes to many new numbers at
// once, each request from an address of its own: only the client's own
// budget (sms.subject_sends_per_hour) binds.
func (r *runner) probePerSubject(ctx context.Context) *probe {
	p := &probe{name: "SMS per subject (sms.subject_sends_per_hour)", limit: r.lim.subjectHour, ran: true}
	c := r.prober(blockSubject, "subject")
	if !c.signUp(ctx) {
		p.ran, p.note = false, "the probe's client could not sign up"
		return p
	}
	n := r.lim.subjectHour + 5
	phones := make([]string, n)
	r.together(ctx, n, func(ctx context.Context, i int) {
		phones[i] = r.newPhone()
		p.tally(r.post(ctx, r.addr(blockSubject, 2+i), "/me/phone", c.signup.token, map[string]any{"phone": phones[i]}, 202, 429), 202)
	})
	p.admitted++ // the sign-up's code
	r.later(func() {
		p.sent = r.box.total(c.phone) + r.box.total(phones...)
		p.held = p.within()
	})
	return p
}

// probeLoginsPerIP tries more logins from one address than it may
// (unknown addresses, each once, so that no lockout interferes).
func (r *runner) probeLoginsPerIP(ctx context.Context) *probe {
	p := &probe{name: "logins per source address (auth, fixed)", limit: r.lim.loginsPerIP, sent: -1, ran: true}
	ip := r.addr(blockLoginIP, r.probeHost)
	const workers = 10
	n := r.lim.loginsPerIP + 10
	parallel(workers, func(w int) {
		for i := w; i < n; i += workers {
			p.tally(r.post(ctx, ip, "/auth/login", "",
				map[string]any{"email": fmt.Sprintf("lt%s-nobody%d@example.com", r.id, i), "password": "not-the-password-1"}, 401, 429), 401)
		}
	})
	p.held = p.within()
	return p
}

// probeLockout tries wrong passwords for one client at once, from
// different addresses: at most max_failed_logins are judged, then the
// address is locked, the right password included.
func (r *runner) probeLockout(ctx context.Context) *probe {
	p := &probe{name: "failed logins before the lockout (max_failed_logins)", limit: r.lim.maxFailedLogins, sent: -1, ran: true}
	c := r.prober(blockLockout, "lockout")
	if !c.signUp(ctx) {
		p.ran, p.note = false, "the probe's client could not sign up"
		return p
	}
	n := 2 * r.lim.maxFailedLogins
	r.together(ctx, n, func(ctx context.Context, i int) {
		p.tally(r.post(ctx, r.addr(blockLockout, 2+i), "/auth/login", "",
			map[string]any{"email": c.email, "password": "wrong-" + c.password}, 401, 429), 401)
	})
	rep := r.post(ctx, r.addr(blockLockout, 2+n), "/auth/login", "", map[string]any{"email": c.email, "password": c.password}, 429)
	p.note = fmt.Sprintf("the right password then: %d %s (want 429 locked)", rep.status, rep.code)
	p.held = p.within() && rep.ok(429)
	return p
}

// probeAttempts presents wrong codes for one login challenge at once: at
// most otp_max_attempts are judged, and then the right code is refused too.
func (r *runner) probeAttempts(ctx context.Context) *probe {
	p := &probe{name: "wrong codes per challenge (sms.otp_max_attempts)", limit: r.lim.otpMaxAttempts, sent: -1, ran: true}
	c := r.prober(blockAttempts, "attempts")
	if !c.signUp(ctx) || !c.confirmEmail(ctx) || !c.confirmPhone(ctx) || !c.enableTFA(ctx) {
		p.ran, p.note = false, "the probe's client could not be set up"
		return p
	}
	mark := r.box.mark(c.phone)
	rep := c.post(ctx, "POST /auth/login", "/auth/login", "", map[string]any{"email": c.email, "password": c.password}, 200)
	challenge := str(rep.json(), "challenge_id")
	msg, err := r.box.wait(ctx, c.phone, mark)
	if challenge == "" || err != nil || msg.code() == "" {
		p.ran, p.note = false, "no login challenge and code"
		return p
	}
	right := msg.code()
	n := r.lim.otpMaxAttempts + 3
	r.together(ctx, n, func(ctx context.Context, i int) {
		wrong := fmt.Sprintf("%06d", (atoi(right)+1+i*7919)%1000000)
		p.tally(r.post(ctx, r.addr(blockAttempts, 2+i), "/auth/login/verify", "",
			map[string]any{"challenge_id": challenge, "code": wrong}, 400, 429), 400)
	})
	last := r.post(ctx, r.addr(blockAttempts, 2+n), "/auth/login/verify", "",
		map[string]any{"challenge_id": challenge, "code": right}, 429)
	p.note = fmt.Sprintf("the right code then: %d %s (want 429 otp_attempts_exhausted)", last.status, last.code)
	p.held = p.within() && last.ok(429)
	return p
}

// probeTestSMS sends more admin test SMS at once than an admin may send
// in an hour, from addresses of their own.
func (r *runner) probeTestSMS(ctx context.Context) *probe {
	p := &probe{name: "admin test SMS per admin (sms.test_sms_per_hour)", limit: r.lim.testSMSHour, ran: true}
	n := r.lim.testSMSHour + 3
	phones := make([]string, n)
	r.together(ctx, n, func(ctx context.Context, i int) {
		phones[i] = r.newPhone()
		p.tally(r.post(ctx, r.addr(blockTestSMS, 1+i), "/admin/config/security/test-sms", r.opt.adminToken,
			map[string]any{"phone": phones[i], "language": "en"}, 202, 429), 202)
	})
	r.later(func() {
		p.sent = r.box.total(phones...)
		p.held = p.within()
		p.note = "the admin's earlier test SMS within the hour count too"
	})
	return p
}

// probeStack lowers the stack-wide budget to a few SMS and has clients
// with a confirmed phone each ask for a code at once (from their own
// addresses, to their own numbers, for a purpose they have not used):
// only the stack-wide budget binds. A lowered budget reads only as many
// slots as its new size, and counts the sends of the last hour it finds
// there (this run's earlier ones, an earlier run's own probe), so it may
// admit fewer, never more; on a fresh table it admits exactly its size.
func (r *runner) probeStack(ctx context.Context, done []*vclient) *probe {
	p := &probe{name: "SMS stack-wide (sms.stack_sends_per_hour, lowered)", limit: r.lim.stackProbe, ran: true}
	n := min(len(done), 4*r.lim.stackProbe)
	if n < 2 {
		p.ran, p.note = false, fmt.Sprintf("only %d clients confirmed their phone; the probe needs 2", n)
		return p
	}
	p.limit = min(p.limit, n/2) // twice as many ask as it admits
	if err := r.setStackBudget(ctx, p.limit); err != nil {
		p.ran, p.note = false, "could not lower the budget: "+err.Error()
		return p
	}
	defer func() {
		if err := r.setStackBudget(ctx, r.lim.stackMain); err != nil {
			p.note += "; could not raise the budget again: " + err.Error()
		}
	}()
	marks := make([]int, n)
	for i, c := range done[:n] {
		marks[i] = r.box.mark(c.phone)
	}
	r.together(ctx, n, func(ctx context.Context, i int) {
		c := done[i]
		p.tally(c.post(ctx, "POST /me/tfa/challenges", "/me/tfa/challenges", c.token(), map[string]any{"operation": "exchange"}, 202, 429), 202)
	})
	r.box.poll(ctx)
	for i, c := range done[:n] {
		p.sent += r.box.count(c.phone, marks[i])
	}
	p.held = p.within()
	p.note = fmt.Sprintf("%d clients asked at once", n)
	return p
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = 10*n + int(r-'0')
	}
	return n
}

// addr is host of block in the run's 127.R.0.0/16.
func (r *runner) addr(block, host int) netip.Addr {
	return netip.AddrFrom4([4]byte{127, r.octet, byte(block), byte(host)})
}
