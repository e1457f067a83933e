package me_test

import (
	"sync"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const (
	annPhone = "+4915112345678"
	bobPhone = "+4915112345679"
)

// GET /me says what the client must still do; PATCH /me changes its
// language to an enabled one only.
func TestProfile(t *testing.T) {
	w := newWorld(t)
	w.env.Configure("security", "registration", map[string]any{"confirmation": "email"})
	w.env.Configure("security", "security", map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"withdraw"}})
	ann := w.signup("ann@example.com")
	p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t)
	if p["confirmation_pending"] != true || p["phone"] != nil || p["tfa_enabled"] != false || p["email"] != "ann@example.com" {
		t.Fatalf("profile %v", p)
	}
	if actions := p["required_actions"].([]any); len(actions) != 2 || actions[0] != "confirm_email" || actions[1] != "setup_tfa" {
		t.Fatalf("required actions %v", actions)
	}
	ann.do("PATCH", "/me", map[string]any{"language": "de"}).ExpectInvalid(t, "validation_failed", "language")
	w.env.Configure("languages", "languages", map[string]any{"active": []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de", "enabled": true}}, "default": "en"})
	if p := ann.do("PATCH", "/me", map[string]any{"language": "de"}).Expect(t, 200).Map(t); p["language"] != "de" {
		t.Fatalf("profile %v", p)
	}
	ann.do("PATCH", "/me", map[string]any{"email": "x@example.com"}).ExpectProblem(t, 400, "bad_request")
}

// Mandatory 2FA for login and a client without a phone: its login session
// may only set up a phone and 2FA; once 2FA is on it is upgraded.
func TestMandatoryTFASetup(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	w.env.Configure("security", "security", map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login", "withdraw"}})
	login := ann.login()
	if login["tfa_setup_required"] != true {
		t.Fatalf("login %v", login)
	}
	ann.token = login["session"].(map[string]any)["token"].(string)
	ann.do("GET", "/me/sessions", nil).ExpectProblem(t, 403, "forbidden")
	ann.do("POST", "/me/tfa/challenges", map[string]any{"operation": "withdraw"}).ExpectProblem(t, 403, "forbidden")
	ann.do("POST", "/me/tfa", nil).ExpectProblem(t, 409, "phone_required")
	ann.setPhone(annPhone)
	up := ann.do("POST", "/me/tfa", nil).Expect(t, 200).Map(t)
	s := up["session"].(map[string]any)
	if up["tfa_enabled"] != true || s["scope"] != "full" {
		t.Fatalf("answer %v", up)
	}
	ann.do("GET", "/me", nil).ExpectProblem(t, 401, "unauthenticated") // the setup session ended
	ann.token = s["token"].(string)
	ann.do("GET", "/me/sessions", nil).Expect(t, 200)
	// A withdrawal now needs a code; the token it earns is redeemed once.
	token := ann.operationToken("withdraw")
	w.consume(token, "withdraw", ann.id).Expect(t, 200)
	w.consume(token, "withdraw", ann.id).ExpectProblem(t, 409, "token_used")
	// 2FA cannot be turned off while mandatory.
	ann.do("DELETE", "/me/tfa", nil).ExpectProblem(t, 403, "tfa_mandatory")
}

// withdrawal_tfa and exchange_tfa decide alone when mandatory 2FA is off.
func TestGeneralSwitchesDecideOperationTFA(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	ann.setPhone(annPhone)
	for _, op := range []string{"withdraw", "exchange", "transfer"} {
		if m := ann.do("POST", "/me/tfa/challenges", map[string]any{"operation": op}).Expect(t, 200).Map(t); m["required"] != false || m["operation_token"] == "" {
			t.Fatalf("%s: %v", op, m)
		}
	}
	w.env.Configure("general", "general", map[string]any{"clients": map[string]any{"withdrawal_tfa": true, "exchange_tfa": true}})
	for _, op := range []string{"withdraw", "exchange"} {
		if m := ann.do("POST", "/me/tfa/challenges", map[string]any{"operation": op}).Expect(t, 202).Map(t); m["required"] != true {
			t.Fatalf("%s: %v", op, m)
		}
		w.env.Clock.Advance(61e9)
	}
	ann.do("POST", "/me/tfa/challenges", map[string]any{"operation": "transfer"}).Expect(t, 200)
	ann.do("POST", "/me/tfa/challenges", map[string]any{"operation": "fly"}).ExpectInvalid(t, "validation_failed", "operation")
	// A code for a withdrawal earns a withdrawal token, and nothing else.
	token := ann.operationToken("withdraw")
	w.consume(token, "exchange", ann.id).ExpectProblem(t, 404, "token_not_found")
	w.consume(token, "withdraw", "someone-else").ExpectProblem(t, 404, "token_not_found")
	w.consume(token, "withdraw", ann.id).Expect(t, 200)
	// Only services redeem tokens.
	w.do(w.me, "POST", "/tfa/operation-tokens/consume", map[string]any{"token": token, "operation": "withdraw", "client_id": ann.id}, ann.token).
		ExpectProblem(t, 403, "forbidden")
	w.do(w.me, "POST", "/tfa/operation-tokens/consume", map[string]any{"token": token, "operation": "withdraw", "client_id": ann.id}, "").
		ExpectProblem(t, 401, "unauthenticated")
}

// Eight services redeeming one token at once: exactly one succeeds.
func TestOperationTokenRedeemedOnceUnderConcurrency(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	token := ann.operationToken("transfer")
	results := apptest.Concurrently(8, func(int) int { return w.consume(token, "transfer", ann.id).Status })
	ok, used := 0, 0
	for _, s := range results {
		switch s {
		case 200:
			ok++
		case 409:
			used++
		}
	}
	if ok != 1 || used != 7 {
		t.Fatalf("statuses %v", results)
	}
}

// A session alone cannot move a confirmed phone or turn 2FA off: both need
// a step-up token earned with a code to the current phone. Replacing the
// phone releases the old number and ends the other sessions.
func TestFactorChangesNeedAFreshProof(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	ann.setPhone(annPhone)
	ann.do("POST", "/me/tfa", nil).Expect(t, 200)
	other := ann.login() // a second session: 2FA now asks a code
	if other["tfa_required"] != true {
		t.Fatalf("login %v", other)
	}
	w.env.Clock.Advance(61e9)

	ann.do("POST", "/me/phone", map[string]any{"phone": bobPhone}).ExpectProblem(t, 403, "tfa_required")
	ann.do("POST", "/me/phone", map[string]any{"phone": bobPhone, "operation_token": "forged"}).ExpectProblem(t, 403, "tfa_required")
	ann.do("DELETE", "/me/tfa", nil).ExpectProblem(t, 403, "tfa_required")
	withdraw := ann.operationToken("withdraw")
	ann.do("DELETE", "/me/tfa", map[string]any{"operation_token": withdraw}).ExpectProblem(t, 403, "tfa_required") // another operation's

	second := w.do(w.auth, "POST", "/auth/login", map[string]any{"email": ann.email, "password": strongPassword}, "").Expect(t, 200).Map(t)
	w.env.Clock.Advance(61e9)
	v := w.do(w.auth, "POST", "/auth/login/verify", map[string]any{"challenge_id": second["challenge_id"], "code": w.env.LastCode(annPhone)}, "").Expect(t, 200).Map(t)
	secondToken := v["session"].(map[string]any)["token"].(string)

	ann.setPhone(bobPhone, ann.operationToken("change_phone"))
	if p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t); p["phone"] != "+49*********79" || p["phone_confirmed"] != true {
		t.Fatalf("profile %v", p)
	}
	w.do(w.me, "GET", "/me", nil, secondToken).ExpectProblem(t, 401, "unauthenticated") // ended
	// The old number is free again; the new one is Ann's.
	bob := w.signup("bob@example.com")
	bob.do("POST", "/me/phone", map[string]any{"phone": bobPhone}).ExpectProblem(t, 409, "phone_taken")
	bob.setPhone(annPhone)

	ann.do("DELETE", "/me/tfa", map[string]any{"operation_token": ann.operationToken("disable_tfa")}).Expect(t, 200)
	if p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t); p["tfa_enabled"] != false {
		t.Fatalf("profile %v", p)
	}
}

// Two clients confirming one number at once: exactly one gets it.
func TestConcurrentClaimsOfOnePhone(t *testing.T) {
	w := newWorld(t)
	const number = "+4915199999999"
	var clients []*client
	var challenges []string
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"} {
		c := w.signup(email)
		ch := c.do("POST", "/me/phone", map[string]any{"phone": number}).Expect(t, 202).Map(t)
		clients = append(clients, c)
		challenges = append(challenges, ch["challenge_id"].(string))
		w.env.Clock.Advance(61e9)
	}
	codes := map[string]string{}
	// Each got its own code to the same number, newest first in the outbox.
	msgs := w.env.Deps.Outbox.List()
	for i := range clients {
		codes[challenges[i]] = apptest.SixDigits.FindStringSubmatch(msgs[len(clients)-1-i].Message)[1]
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := c.do("POST", "/me/phone/verify", map[string]any{"challenge_id": challenges[i], "code": codes[challenges[i]]})
			mu.Lock()
			statuses[res.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[200] != 1 || statuses[409] != len(clients)-1 {
		t.Fatalf("statuses %v", statuses)
	}
}

// A client reaches only its own data: another client's session cannot be
// listed or ended.
func TestClientsSeeOnlyTheirOwnSessions(t *testing.T) {
	w := newWorld(t)
	ann, bob := w.signup("ann@example.com"), w.signup("bob@example.com")
	list := bob.do("GET", "/me/sessions", nil).Expect(t, 200).Map(t)["items"].([]any)
	bobSession := list[0].(map[string]any)
	if len(list) != 1 || bobSession["current"] != true {
		t.Fatalf("sessions %v", list)
	}
	ann.do("DELETE", "/me/sessions/"+bobSession["id"].(string), nil).ExpectProblem(t, 404, "not_found")
	bob.do("GET", "/me", nil).Expect(t, 200)
	if p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t); p["client_id"] != ann.id {
		t.Fatalf("profile %v", p)
	}
	// Ann ends one of her own sessions.
	second := ann.login()["session"].(map[string]any)["token"].(string)
	items := ann.do("GET", "/me/sessions", nil).Expect(t, 200).Map(t)["items"].([]any)
	for _, it := range items {
		if s := it.(map[string]any); s["current"] == false {
			ann.do("DELETE", "/me/sessions/"+s["id"].(string), nil).Expect(t, 204)
		}
	}
	w.do(w.me, "GET", "/me", nil, second).ExpectProblem(t, 401, "unauthenticated")
	ann.do("GET", "/me", nil).Expect(t, 200)
}

// Changing the password needs the current one (and a token when mandatory
// 2FA covers it), and ends the other sessions.
func TestChangePassword(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	other := ann.login()["session"].(map[string]any)["token"].(string)
	const next = "a different long passphrase"
	ann.do("POST", "/me/password", map[string]any{"current_password": "wrong", "new_password": next}).ExpectProblem(t, 403, "invalid_credentials")
	ann.do("POST", "/me/password", map[string]any{"current_password": strongPassword, "new_password": "password"}).ExpectInvalid(t, "validation_failed", "new_password")
	ann.do("POST", "/me/password", map[string]any{"current_password": strongPassword, "new_password": next}).Expect(t, 204)
	w.do(w.me, "GET", "/me", nil, other).ExpectProblem(t, 401, "unauthenticated")
	ann.do("GET", "/me", nil).Expect(t, 200)

	w.env.Configure("security", "security", map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"change_password"}})
	body := map[string]any{"current_password": next, "new_password": strongPassword}
	ann.do("POST", "/me/password", body).ExpectProblem(t, 403, "tfa_required")
	ann.setPhone(annPhone)
	body["operation_token"] = ann.operationToken("change_password")
	ann.do("POST", "/me/password", body).Expect(t, 204)
}

// An email change applies only once the link sent to the new address is
// used; until then the old address is the client's, and the new one stays
// free for no one else but is claimed only at confirmation.
func TestEmailChangeWaitsForConfirmation(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	w.signup("taken@example.com")
	ann.do("POST", "/me/email", map[string]any{"email": "taken@example.com"}).ExpectProblem(t, 409, "email_taken")
	ann.do("POST", "/me/email", map[string]any{"email": "Ann.New@Example.com"}).Expect(t, 202)
	p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t)
	if p["email"] != "ann@example.com" || p["pending_email"] != "ann.new@example.com" {
		t.Fatalf("profile %v", p)
	}
	w.do(w.auth, "POST", "/auth/login", map[string]any{"email": "ann.new@example.com", "password": strongPassword}, "").ExpectProblem(t, 401, "invalid_credentials")
	var token string
	for _, m := range w.env.Deps.Outbox.List() {
		if m.To == "ann.new@example.com" {
			token = apptest.TokenOf(t, m.Message)
		}
	}
	w.do(w.auth, "POST", "/auth/confirm-email", map[string]any{"token": token}, "").Expect(t, 200)
	if p := ann.do("GET", "/me", nil).Expect(t, 200).Map(t); p["email"] != "ann.new@example.com" || p["pending_email"] != nil {
		t.Fatalf("profile %v", p)
	}
	w.do(w.auth, "POST", "/auth/login", map[string]any{"email": "ann.new@example.com", "password": strongPassword}, "").Expect(t, 200)
	w.signup("ann@example.com") // the old address is free again
}
