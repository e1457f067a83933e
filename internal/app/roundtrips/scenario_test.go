package roundtrips_test

import (
	"fmt"
	"net/http"
	"time"
)

const (
	annPhone   = "+4915112345678"
	annPhone2  = "+4915112345679"
	adminPhone = "+4915112340000"
)

// Passwords ann goes through.
var passwords = []string{"correct horse battery staple", "a second long passphrase", "third time lucky passphrase", "fourth and final passphrase"}

// drive sends every route of the API at least once, in the order a
// stack's life takes them: the back office configures the sections,
// levels and statuses, a client signs up and confirms, turns 2FA on,
// earns operation tokens, opens an account the back office activates,
// changes its phone, password and address, resets its password both ways
// and logs out.
func drive(w *world) {
	const (
		get, put, post, patch, del = http.MethodGet, http.MethodPut, http.MethodPost, http.MethodPatch, http.MethodDelete
	)
	etag := func(step, path string) string {
		return w.admin(step, get, path, nil, "", 200).Header.Get("ETag")
	}

	// The back office configures the stack.
	w.admin("save general", put, "/admin/config/general", map[string]any{
		"clients":  map[string]any{"max_accounts": 5, "activate_account_on_create": false, "demo_account": true, "personal_manager": true, "withdrawal_tfa": true},
		"security": map[string]any{"session_minutes": 600},
	}, etag("read general", "/admin/config/general"), 200)
	w.admin("save documents", put, "/admin/config/documents", map[string]any{"required": []string{"passport_or_id"}},
		etag("read documents", "/admin/config/documents"), 200)
	w.admin("search languages", get, "/admin/languages/available?q=ger", nil, "", 200)
	w.admin("read languages with their warnings", get, "/admin/config/languages?include=warnings", nil, "", 200)
	w.admin("save languages", put, "/admin/config/languages", map[string]any{
		"active": []map[string]any{{"code": "en", "enabled": true}, {"code": "de", "enabled": true}}, "default": "en",
	}, etag("read languages", "/admin/config/languages"), 200)
	w.admin("save security", put, "/admin/config/security", map[string]any{"tfa_operations": []string{"withdraw"}},
		etag("read security", "/admin/config/security"), 200)
	w.admin("save registration", put, "/admin/config/registration", map[string]any{
		"confirmation": "email_and_phone", "activation_letter": true, "default_client_type": "personal",
	}, etag("read registration", "/admin/config/registration"), 200)

	level := func(label, description string) map[string]any {
		return map[string]any{"label": label, "type": "personal", "properties": []string{"tax_id"}, "required_documents": []string{"passport_or_id"},
			"translations": map[string]any{"en": map[string]any{"title": "Basic", "description": description, "fields": map[string]any{"tax_id": "Tax number"}}}}
	}
	const levels, statuses = "/admin/verification-levels", "/admin/statuses"
	w.admin("create a level", post, levels, level("kyc1", "Identity checked"), "", 201)
	w.admin("create a level to delete", post, levels, level("tmp", "Temporary"), "", 201)
	w.admin("list levels", get, levels, nil, "", 200)
	w.admin("change a level", put, levels+"/kyc1", level("kyc1", "Identity and address checked"), etag("read a level", levels+"/kyc1"), 200)
	w.admin("clone a translation", post, levels+"/kyc1/clone", map[string]any{"from": "en", "to": "de"}, "", 200)
	w.admin("translate a level", post, levels+"/kyc1/translate", map[string]any{"from": "en", "to": "fr"}, "", 200)
	w.admin("delete a level", del, levels+"/tmp", nil, `"1"`, 204)

	status := func(label string) map[string]any {
		return map[string]any{"label": label, "text": map[string]any{"en": label, "de": label}, "properties": map[string]any{"color": "green"}}
	}
	w.admin("create a status", post, statuses, status("Approved"), "", 201)
	w.admin("create a status to delete", post, statuses, status("Tmp"), "", 201)
	w.admin("list statuses", get, statuses, nil, "", 200)
	w.admin("change a status", put, statuses+"/Approved", status("Approved"), etag("read a status", statuses+"/Approved"), 200)
	w.admin("delete a status", del, statuses+"/Tmp", nil, `"1"`, 204)

	w.admin("save the level order", put, "/admin/config/level-order", map[string]any{"levels": []string{"kyc1"}},
		etag("read the level order", "/admin/config/level-order"), 200)
	w.admin("read the level order with its unranked levels", get, "/admin/config/level-order?include=unranked", nil, "", 200)
	w.admin("save verification", put, "/admin/config/verification", map[string]any{
		"open_account_on_signup": false, "required_level": "kyc1", "required_status": "Approved",
	}, etag("read verification", "/admin/config/verification"), 200)

	sent := bodyOf(w.t, w.admin("send a test SMS", post, "/admin/config/security/test-sms", map[string]any{"phone": adminPhone, "language": "en"}, "", 202))
	w.admin("verify the test SMS", post, "/admin/config/security/test-sms/verify", map[string]any{"challenge_id": sent["challenge_id"], "code": w.code(adminPhone)}, "", 200)

	// A client signs up and confirms its address and number.
	ann := &client{w: w, email: "ann@example.com", phone: annPhone, password: passwords[0]}
	a := w.anonymous("sign up", post, "/auth/signup", map[string]any{"email": ann.email, "password": ann.password, "phone": ann.phone}, 201)
	ann.id = fmt.Sprint(a["client_id"])
	ann.takeSession(a)
	ann.do("resend the email confirmation", post, "/auth/confirm-email/resend", nil, 202)
	w.anonymous("confirm the email address", post, "/auth/confirm-email", map[string]any{"token": w.token(ann.email, "email_verification")}, 200)
	w.env.Clock.Advance(61 * time.Second) // the resend cooldown
	ch := ann.do("resend the phone code", post, "/auth/confirm-phone/resend", nil, 202)
	ann.do("confirm the phone", post, "/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": w.code(annPhone)}, 200)

	ann.do("read the profile", get, "/me", nil, 200)
	ann.do("change the language", patch, "/me", map[string]any{"language": "de"}, 200)
	ann.do("read the verification", get, "/me/verification", nil, 200)
	ann.do("turn 2FA on", post, "/me/tfa", nil, 200)

	// Operation tokens: one that needs no code (deposits are not in
	// tfa_operations), one earned with a code and redeemed by the service
	// that withdraws.
	ann.do("ask for an operation token (deposit)", post, "/me/tfa/challenges", map[string]any{"operation": "deposit"}, 200)
	withdraw := ann.operationToken("withdraw")
	w.send("redeem an operation token", serviceRequest(map[string]any{"token": withdraw, "operation": "withdraw", "client_id": ann.id}), 200)

	// A second session, by login with 2FA; the first ends it.
	w.anonymous("log in with a wrong password", post, "/auth/login", map[string]any{"email": ann.email, "password": "not the password at all"}, 401)
	second := ann.login(true)
	ann.do("list sessions", get, "/me/sessions", nil, 200)
	ann.do("end a session", del, "/me/sessions/"+second.session, nil, 204)
	ann.takeSession(w.anonymous("refresh", post, "/auth/refresh", map[string]any{"refresh_token": ann.refresh}, 200))

	// The back office gives ann a level; ann opens an account it activates.
	w.admin("find a client by email", get, "/admin/clients?email="+ann.email, nil, "", 200)
	w.admin("list clients", get, "/admin/clients", nil, "", 200)
	w.admin("read a client", get, "/admin/clients/"+ann.id, nil, "", 200)
	w.admin("set a client's verification", put, "/admin/clients/"+ann.id+"/verification", map[string]any{"level": "kyc1", "status": "Approved"}, "", 200)
	w.admin("set a manager", put, "/admin/clients/"+ann.id+"/manager", map[string]any{"manager_id": "u-42", "name": "Ann"}, "", 200)
	w.admin("remove the manager", del, "/admin/clients/"+ann.id+"/manager", nil, "", 200)
	acc := ann.do("open an account", post, "/me/accounts", map[string]any{"kind": "live", "currency": "USD"}, 201)
	ann.do("open a demo account", post, "/me/accounts", map[string]any{"kind": "demo", "currency": "EUR"}, 201)
	ann.do("list accounts", get, "/me/accounts", nil, 200)
	ann.do("read an account", get, fmt.Sprintf("/me/accounts/%s", acc["account_id"]), nil, 200)
	w.admin("list a client's accounts", get, "/admin/clients/"+ann.id+"/accounts", nil, "", 200)
	w.admin("activate an account", post, fmt.Sprintf("/admin/clients/%s/accounts/%s/activate", ann.id, acc["account_id"]), nil, "", 200)

	// The audit trail, and a section put back as it was.
	entries := bodyOf(w.t, w.admin("read the audit trail", get, "/admin/audit?section=general", nil, "", 200))
	first := entries["items"].([]any)[0].(map[string]any)
	w.admin("restore a section", post, fmt.Sprintf("/admin/audit/%s/restore", first["id"]), map[string]any{"state": "after"},
		etag("read general again", "/admin/config/general"), 200)

	// An hour on (the SMS budgets of a number refill): a new number.
	w.env.Clock.Advance(time.Hour)
	change := ann.operationToken("change_phone")
	ch = ann.do("ask to change the phone", post, "/me/phone", map[string]any{"phone": annPhone2, "operation_token": change}, 202)
	ann.do("confirm the new phone", post, "/me/phone/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": w.code(annPhone2)}, 200)
	ann.phone = annPhone2

	// A forgotten password, reset by SMS code: every session ends.
	r := w.anonymous("ask for a password reset", post, "/auth/password-reset", map[string]any{"email": ann.email}, 202)
	ann.password = passwords[1]
	w.anonymous("reset the password with the code", post, "/auth/password-reset/confirm", map[string]any{
		"challenge_id": r["challenge_id"], "code": w.code(ann.phone), "new_password": ann.password}, 204)
	ann = ann.login(true)
	ann.do("change the password", post, "/me/password", map[string]any{"current_password": ann.password, "new_password": passwords[2]}, 204)
	ann.password = passwords[2]

	// 2FA off and the phone removed, each with a fresh second factor.
	ann.do("turn 2FA off", del, "/me/tfa", map[string]any{"operation_token": ann.operationToken("disable_tfa")}, 200)
	ann.do("remove the phone", del, "/me/phone", map[string]any{"operation_token": ann.operationToken("remove_phone")}, 204)

	// A new address, confirmed by its link; then a reset by link.
	ann.do("change the email address", post, "/me/email", map[string]any{"email": "ann.new@example.com"}, 202)
	ann.email = "ann.new@example.com"
	w.anonymous("confirm the new address", post, "/auth/confirm-email", map[string]any{"token": w.token(ann.email, "email_verification")}, 200)
	w.anonymous("ask for a reset link", post, "/auth/password-reset", map[string]any{"email": ann.email}, 202)
	ann.password = passwords[3]
	w.anonymous("reset the password with the link", post, "/auth/password-reset/confirm", map[string]any{
		"token": w.token(ann.email, "password_reset"), "new_password": ann.password}, 204)
	ann = ann.login(false)
	ann.do("log out", post, "/auth/logout", nil, 204)
}

// operationToken earns c a token for op: with the code sent to c's phone
// when op needs one.
func (c *client) operationToken(op string) string {
	c.w.t.Helper()
	ch := c.do("ask for an operation token ("+op+")", http.MethodPost, "/me/tfa/challenges", map[string]any{"operation": op}, 202)
	v := c.do("verify an operation code", http.MethodPost, fmt.Sprintf("/me/tfa/challenges/%s/verify", ch["challenge_id"]), map[string]any{"code": c.w.code(c.phone)}, 200)
	return fmt.Sprint(v["operation_token"])
}

// login logs c in (with the code sent to its phone when tfa) and returns
// c with the new session.
func (c *client) login(tfa bool) *client {
	c.w.t.Helper()
	a := c.w.anonymous("log in", http.MethodPost, "/auth/login", map[string]any{"email": c.email, "password": c.password}, 200)
	if tfa {
		a = c.w.anonymous("log in: the code", http.MethodPost, "/auth/login/verify", map[string]any{"challenge_id": a["challenge_id"], "code": c.w.code(c.phone)}, 200)
	}
	next := *c
	next.takeSession(a)
	return &next
}
