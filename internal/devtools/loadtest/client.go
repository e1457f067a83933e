package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// The stages of a client's scenario, in order, for the funnel in the report.
var stages = []string{
	"signed up", "email confirmed", "phone confirmed", "accounts opened", "withdrawal token consumed",
	"deposit token consumed", "2FA on", "logged in with 2FA", "refresh replay refused", "done",
}

// vclient is one virtual client: its own source address, email and phone.
type vclient struct {
	r        *runner
	ip       netip.Addr
	email    string
	phone    string
	password string

	clientID  string
	signup    session // the sign-up session (revoked by the refresh replay, after the login)
	login     session // the session of the 2FA login
	pending   pending // what the sign-up sent, to confirm
	confirmed bool    // email and phone confirmed
}

// token is the client's session token: the login's once it has one.
func (c *vclient) token() string {
	if c.login.token != "" {
		return c.login.token
	}
	return c.signup.token
}

// pending is where the sign-up's email and SMS will be, and the phone
// confirmation's challenge.
type pending struct {
	smsMark, mailMark int
	challenge         string
}

type session struct{ token, refresh string }

func sessionOf(m map[string]any) session {
	return session{token: str(m, "session", "token"), refresh: str(m, "session", "refresh_token")}
}

// refusals are the answers that refuse a code or token presented again.
var refusals = []int{400, 401, 403, 404, 409, 410, 429}

func with(ok int, more ...int) []int { return append([]int{ok}, more...) }

// scenario runs the client's whole scenario, stage by stage, while the
// workload may go on; it stops at the first answer it did not expect.
func (c *vclient) scenario(ctx context.Context) {
	r := c.r
	steps := []func(context.Context) bool{
		c.signUp, c.confirmEmail, c.confirmPhone, c.openAccounts, c.withdrawal,
		c.deposit, c.enableTFA, c.loginWithTFA, c.refreshReplay,
	}
	for i, step := range steps {
		if i > 0 && !c.think(ctx) {
			return
		}
		if !r.workloadMay(8) || !step(withPriority(ctx, i)) {
			return
		}
		r.reached(i)
	}
	c.read(withPriority(ctx, len(steps)))
	r.reached(len(steps))
}

// think pauses between two steps as a person would (reading an SMS,
// typing a code): half a second to a second and a half.
func (c *vclient) think(ctx context.Context) bool {
	return sleep(ctx, nil, 500*time.Millisecond+rand.N(time.Second))
}

// steady keeps the client reading (profile, accounts, verification) until
// the workload ends, so that the last clients still run among hundreds of
// others. Its requests come last at the gate: they must not hold up a
// client that has not signed up yet.
func (c *vclient) steady(ctx context.Context, stop <-chan struct{}) {
	if !c.confirmed {
		return
	}
	for sleep(ctx, stop, 3*time.Second+rand.N(2*time.Second)) && c.r.workloadMay(4) {
		c.read(withPriority(ctx, -1))
	}
}

func (c *vclient) post(ctx context.Context, op, path, token string, body any, expect ...int) reply {
	return c.r.do(ctx, c.ip, call{op: op, method: http.MethodPost, path: path, token: token, body: body, expect: expect})
}

func (c *vclient) get(ctx context.Context, op, path, token string, expect ...int) reply {
	return c.r.do(ctx, c.ip, call{op: op, method: http.MethodGet, path: path, token: token, expect: expect})
}

// flaw records an answer whose status was expected but whose content was not.
func (c *vclient) flaw(op, path string, rep reply, why string) bool {
	method, _, _ := strings.Cut(op, " ")
	c.r.stats.unexpected(call{op: op, method: method, path: path}, c.ip, rep, why)
	return false
}

// await waits for the message to `to` after mark and returns the part of
// it the client needs (its code, its token); "" when none came, counted.
func (c *vclient) await(ctx context.Context, to string, mark int, part func(outMsg) string) string {
	msg, err := c.r.box.wait(ctx, to, mark)
	if err != nil || part(msg) == "" {
		c.r.noMessage.Add(1)
		return ""
	}
	return part(msg)
}

func (c *vclient) signUp(ctx context.Context) bool {
	smsMark, mailMark := c.r.box.mark(c.phone), c.r.box.mark(c.email)
	rep := c.retry(ctx, func() reply {
		return c.post(ctx, "POST /auth/signup", "/auth/signup", "",
			map[string]any{"email": c.email, "password": c.password, "phone": c.phone}, 201)
	})
	if !rep.ok(201) {
		return false
	}
	m := rep.json()
	c.clientID, c.signup = str(m, "client_id"), sessionOf(m)
	challenge := str(m, "phone_challenge", "challenge_id")
	if c.clientID == "" || c.signup.token == "" || challenge == "" {
		return c.flaw("POST /auth/signup", "/auth/signup", rep, "no client_id, session or phone_challenge")
	}
	c.pending = pending{smsMark: smsMark, mailMark: mailMark, challenge: challenge}
	return true
}

// retry sends a request again after a 429 rate_limited that no budget of
// the client explains (the limiter's "too many requests at the same
// moment"), as a client honouring Retry-After would; it counts them.
func (c *vclient) retry(ctx context.Context, send func() reply) reply {
	for attempt := 1; ; attempt++ {
		rep := send()
		if rep.status != http.StatusTooManyRequests || rep.code != "rate_limited" || attempt == 3 {
			return rep
		}
		c.r.contended.Add(1)
		if !sleep(ctx, nil, time.Second) {
			return rep
		}
	}
}

func (c *vclient) confirmEmail(ctx context.Context) bool {
	token := c.await(ctx, c.email, c.pending.mailMark, outMsg.token)
	if token == "" {
		return false
	}
	return c.r.singleUse(ctx, "email confirmation token", 2, func(ctx context.Context) reply {
		return c.post(ctx, "POST /auth/confirm-email", "/auth/confirm-email", "", map[string]any{"token": token},
			with(200, refusals...)...)
	}, func(rep reply) bool { return rep.ok(200) })
}

func (c *vclient) confirmPhone(ctx context.Context) bool {
	code := c.await(ctx, c.phone, c.pending.smsMark, outMsg.code)
	if code == "" {
		return false
	}
	body := map[string]any{"challenge_id": c.pending.challenge, "code": code}
	c.confirmed = c.r.singleUse(ctx, "phone confirmation code", 3, func(ctx context.Context) reply {
		return c.post(ctx, "POST /auth/confirm-phone", "/auth/confirm-phone", c.signup.token, body, with(200, refusals...)...)
	}, func(rep reply) bool { return rep.ok(200) })
	return c.confirmed
}

func (c *vclient) enableTFA(ctx context.Context) bool {
	rep := c.post(ctx, "POST /me/tfa", "/me/tfa", c.signup.token, nil, 200)
	return rep.ok(200)
}

// loginWithTFA logs in: a code to the phone, then /auth/login/verify.
func (c *vclient) loginWithTFA(ctx context.Context) bool {
	mark := c.r.box.mark(c.phone)
	path := "/auth/login"
	rep := c.retry(ctx, func() reply {
		return c.post(ctx, "POST /auth/login", path, "", map[string]any{"email": c.email, "password": c.password}, 200)
	})
	if !rep.ok(200) {
		return false
	}
	m := rep.json()
	challenge := str(m, "challenge_id")
	if m["tfa_required"] != true || challenge == "" {
		return c.flaw("POST /auth/login", path, rep, "2FA is on, yet no tfa_required challenge")
	}
	code := c.await(ctx, c.phone, mark, outMsg.code)
	if code == "" {
		return false
	}
	var mu sync.Mutex
	return c.r.singleUse(ctx, "login code", 3, func(ctx context.Context) reply {
		return c.post(ctx, "POST /auth/login/verify", "/auth/login/verify", "",
			map[string]any{"challenge_id": challenge, "code": code}, with(200, refusals...)...)
	}, func(rep reply) bool {
		if !rep.ok(200) {
			return false
		}
		if s := sessionOf(rep.json()); s.token != "" {
			mu.Lock()
			c.login = s
			mu.Unlock()
		}
		return true
	}) && c.login.token != ""
}

// refreshReplay rotates the sign-up session's refresh token (two refreshes
// racing with it, then once more) and checks that the session is then
// revoked: a rotated refresh token that comes back ends the session.
func (c *vclient) refreshReplay(ctx context.Context) bool {
	var mu sync.Mutex
	var rotated []session
	ok := c.r.singleUse(ctx, "refresh token", 2, func(ctx context.Context) reply {
		return c.post(ctx, "POST /auth/refresh", "/auth/refresh", "", map[string]any{"refresh_token": c.signup.refresh},
			with(200, refusals...)...)
	}, func(rep reply) bool {
		if !rep.ok(200) {
			return false
		}
		mu.Lock()
		rotated = append(rotated, sessionOf(rep.json()))
		mu.Unlock()
		return true
	})
	// However the race went, the replay revoked the session: none of the
	// tokens it gave out may still work.
	for _, s := range rotated {
		rep := c.get(ctx, "GET /me", "/me", s.token, 200, 401)
		if rep.ok(200) {
			c.r.notRevoked.Add(1)
		}
	}
	return ok
}

// withdrawal earns an operation token with an SMS code and has the
// withdrawal service consume it.
func (c *vclient) withdrawal(ctx context.Context) bool {
	mark := c.r.box.mark(c.phone)
	path := "/me/tfa/challenges"
	rep := c.retry(ctx, func() reply {
		return c.post(ctx, "POST /me/tfa/challenges", path, c.token(), map[string]any{"operation": "withdraw"}, 202)
	})
	if !rep.ok(202) {
		return false
	}
	id := str(rep.json(), "challenge_id")
	if id == "" {
		return c.flaw("POST /me/tfa/challenges", path, rep, "withdrawal_tfa is on, yet no challenge")
	}
	code := c.await(ctx, c.phone, mark, outMsg.code)
	if code == "" {
		return false
	}
	var mu sync.Mutex
	token := ""
	ok := c.r.singleUse(ctx, "operation code (withdraw)", 3, func(ctx context.Context) reply {
		return c.post(ctx, "POST /me/tfa/challenges/{id}/verify", path+"/"+id+"/verify", c.token(),
			map[string]any{"code": code}, with(200, refusals...)...)
	}, func(rep reply) bool {
		if !rep.ok(200) {
			return false
		}
		mu.Lock()
		token = str(rep.json(), "operation_token")
		mu.Unlock()
		return true
	})
	return ok && token != "" && c.consume(ctx, "withdraw", token, 3)
}

// deposit earns an operation token that needs no code and has it consumed.
func (c *vclient) deposit(ctx context.Context) bool {
	path := "/me/tfa/challenges"
	rep := c.post(ctx, "POST /me/tfa/challenges", path, c.token(), map[string]any{"operation": "deposit"}, 200)
	if !rep.ok(200) {
		return false
	}
	token := str(rep.json(), "operation_token")
	if token == "" {
		return c.flaw("POST /me/tfa/challenges", path, rep, "no operation_token for an operation without 2FA")
	}
	return c.consume(ctx, "deposit", token, 2)
}

// consume has the service redeem token, n times at once and once more.
func (c *vclient) consume(ctx context.Context, op, token string, n int) bool {
	body := map[string]any{"token": token, "operation": op, "client_id": c.clientID}
	return c.r.singleUse(ctx, "operation token ("+op+")", n, func(ctx context.Context) reply {
		return c.post(ctx, "POST /tfa/operation-tokens/consume", "/tfa/operation-tokens/consume", c.r.opt.serviceToken, body,
			with(200, refusals...)...)
	}, func(rep reply) bool { return rep.ok(200) })
}

// openAccounts asks for more accounts at once than max_accounts allows:
// at most max_accounts may open, and the list must show exactly those.
func (c *vclient) openAccounts(ctx context.Context) bool {
	limit := c.r.lim.maxAccounts
	tries := limit + 2
	created := make([]bool, tries)
	c.r.together(ctx, tries, func(ctx context.Context, i int) {
		rep := c.post(ctx, "POST /me/accounts", "/me/accounts", c.token(),
			map[string]any{"kind": "live", "currency": "USD"}, 201, 409)
		created[i] = rep.ok(201)
	})
	n := 0
	for _, ok := range created {
		if ok {
			n++
		}
	}
	rep := c.get(ctx, "GET /me/accounts", "/me/accounts", c.token(), 200)
	if !rep.ok(200) {
		return false
	}
	items, _ := rep.json()["items"].([]any)
	c.r.accounts(n, len(items), limit)
	if n != limit {
		return c.flaw("POST /me/accounts", "/me/accounts", rep, "fewer accounts opened than max_accounts allows")
	}
	return true
}

// read is what a client does most: its profile, accounts, verification.
func (c *vclient) read(ctx context.Context) {
	for _, p := range []string{"/me", "/me/accounts", "/me/verification"} {
		c.get(ctx, "GET "+p, p, c.token(), 200)
	}
}
