package auth_test

import (
	"fmt"
	"net/http"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

// world is one auth test: a fresh table, the auth function's handler (with
// the session authorizer in front of its guarded routes, as deployed), and
// admins that configure it.
type world struct {
	t    *testing.T
	env  *apptest.Env
	auth http.Handler
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := apptest.New(t)
	return &world{t: t, env: env, auth: env.Handler("auth")}
}

// post sends a request to the auth function; token, unless empty, is the
// session token.
func (w *world) post(path string, body any, token string) *apptest.Response {
	w.t.Helper()
	return apptest.Do(w.t, w.auth, apptest.Request{Method: http.MethodPost, Path: path, Body: body, Token: token})
}

func (w *world) registration(confirmation string) {
	w.t.Helper()
	w.env.Configure("security", "registration", map[string]any{"confirmation": confirmation})
}

func (w *world) security(body map[string]any) {
	w.t.Helper()
	w.env.Configure("security", "security", body)
}

const strongPassword = "correct horse battery staple"

// signup signs up email (with phone unless empty) and returns the answer.
func (w *world) signup(email, phone string) map[string]any {
	w.t.Helper()
	body := map[string]any{"email": email, "password": strongPassword}
	if phone != "" {
		body["phone"] = phone
	}
	return w.post("/auth/signup", body, "").Expect(w.t, 201).Map(w.t)
}

// signupConfirmingPhone signs email up with number under phone
// confirmation and confirms the number; it returns the sign-up's answer
// and session token. The registration section stays at "phone".
func (w *world) signupConfirmingPhone(email, number string) (map[string]any, string) {
	w.t.Helper()
	w.registration("phone")
	a := w.signup(email, number)
	ch := a["phone_challenge"].(map[string]any)
	token, _ := sessionOf(w.t, a)
	w.post("/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": w.env.LastCode(number)}, token).Expect(w.t, 200)
	return a, token
}

func (w *world) login(email, password string) *apptest.Response {
	w.t.Helper()
	return w.post("/auth/login", map[string]any{"email": email, "password": password}, "")
}

func (w *world) countOutbox(channel string) int {
	n := 0
	for _, m := range w.env.Deps.Outbox.List() {
		if m.Channel == channel {
			n++
		}
	}
	return n
}

// sessionOf returns the session object of an answer.
func sessionOf(t *testing.T, answer map[string]any) (token, refresh string) {
	t.Helper()
	s, ok := answer["session"].(map[string]any)
	if !ok {
		t.Fatalf("no session in %v", answer)
	}
	return fmt.Sprint(s["token"]), fmt.Sprint(s["refresh_token"])
}

func confirmation(t *testing.T, answer map[string]any) (email, phone string) {
	t.Helper()
	c, ok := answer["confirmation"].(map[string]any)
	if !ok {
		t.Fatalf("no confirmation in %v", answer)
	}
	return fmt.Sprint(c["email"]), fmt.Sprint(c["phone"])
}

// wrong returns a code that differs from code.
func wrong(code string) string {
	return code[:5] + string('0'+(code[5]-'0'+1)%10)
}
