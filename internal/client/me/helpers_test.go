package me_test

import (
	"fmt"
	"net/http"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

// world is one self-service test: a fresh table, the auth and me
// functions' handlers (with the session authorizer in front of their
// guarded routes, as deployed), and admins that configure them.
type world struct {
	t        *testing.T
	env      *apptest.Env
	auth, me http.Handler
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := apptest.New(t)
	return &world{t: t, env: env, auth: env.Handler("auth"), me: env.Handler("me")}
}

// client is one signed-in client.
type client struct {
	w            *world
	id, token    string
	email, phone string
}

func (w *world) do(h http.Handler, method, path string, body any, token string) *apptest.Response {
	w.t.Helper()
	return apptest.Do(w.t, h, apptest.Request{Method: method, Path: path, Body: body, Token: token})
}

func (c *client) do(method, path string, body any) *apptest.Response {
	c.w.t.Helper()
	return c.w.do(c.w.me, method, path, body, c.token)
}

const strongPassword = "correct horse battery staple"

// signup signs email up (no confirmation asked) and returns the client.
func (w *world) signup(email string) *client {
	w.t.Helper()
	a := w.do(w.auth, "POST", "/auth/signup", map[string]any{"email": email, "password": strongPassword}, "").Expect(w.t, 201).Map(w.t)
	s := a["session"].(map[string]any)
	return &client{w: w, id: a["client_id"].(string), token: s["token"].(string), email: email}
}

// login logs c in again and returns the answer.
func (c *client) login() map[string]any {
	c.w.t.Helper()
	return c.w.do(c.w.auth, "POST", "/auth/login", map[string]any{"email": c.email, "password": strongPassword}, "").Expect(c.w.t, 200).Map(c.w.t)
}

// setPhone gives c the confirmed phone number (a first phone, or with the
// step-up token when replacing one).
func (c *client) setPhone(number string, stepUp ...string) map[string]any {
	c.w.t.Helper()
	body := map[string]any{"phone": number}
	if len(stepUp) > 0 {
		body["operation_token"] = stepUp[0]
	}
	ch := c.do("POST", "/me/phone", body).Expect(c.w.t, 202).Map(c.w.t)
	c.w.env.Clock.Advance(61e9) // past the resend cooldown, for the next code
	res := c.do("POST", "/me/phone/verify", map[string]any{"challenge_id": ch["challenge_id"], "code": c.w.env.LastCode(number)}).Expect(c.w.t, 200).Map(c.w.t)
	c.phone = number
	return res
}

// operationToken gets a token for op, with the SMS code when one is needed.
func (c *client) operationToken(op string) string {
	c.w.t.Helper()
	res := c.do("POST", "/me/tfa/challenges", map[string]any{"operation": op})
	m := res.Map(c.w.t)
	if m["required"] == false {
		return fmt.Sprint(m["operation_token"])
	}
	res.Expect(c.w.t, 202)
	v := c.do("POST", fmt.Sprintf("/me/tfa/challenges/%s/verify", m["challenge_id"]), map[string]any{"code": c.w.env.LastCode(c.phone)}).Expect(c.w.t, 200).Map(c.w.t)
	c.w.env.Clock.Advance(61e9)
	return fmt.Sprint(v["operation_token"])
}

// consume redeems token as a service would.
func (w *world) consume(token, op, clientID string) *apptest.Response {
	w.t.Helper()
	return w.do(w.me, "POST", "/tfa/operation-tokens/consume", map[string]any{"token": token, "operation": op, "client_id": clientID}, apptest.ServiceToken)
}
