package me_test

import (
	"net/http"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

// Whatever body arrives, every client route answers a 4xx problem (or
// succeeds), never a 5xx: null, arrays, wrong types, unknown fields,
// strings far over any limit, numbers where strings go.
func TestBadBodiesAreClientErrors(t *testing.T) {
	w := newWorld(t)
	ann := w.signup("ann@example.com")
	long := strings.Repeat("x", 60_000)
	bodies := []string{
		`null`, `[]`, `{}`, `"x"`, `1`, `{"email":1}`, `{"password":null,"email":null}`,
		`{"phone":{"a":1}}`, `{"code":123456}`, `{"challenge_id":"` + long + `","code":"123456"}`,
		`{"email":"` + long + `@example.com","password":"` + long + `"}`, `{"token":"` + long + `"}`,
		`{"operation":"withdraw","password":1}`, `{"language":["en"]}`, `{"refresh_token":"a.b.c"}`,
		`{"new_password":"x","token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`, `{"unknown":true}`, `{`,
	}
	routes := []struct {
		h            http.Handler
		method, path string
		token        string
	}{
		{w.auth, "POST", "/auth/signup", ""}, {w.auth, "POST", "/auth/login", ""},
		{w.auth, "POST", "/auth/login/verify", ""}, {w.auth, "POST", "/auth/refresh", ""},
		{w.auth, "POST", "/auth/confirm-email", ""}, {w.auth, "POST", "/auth/password-reset", ""},
		{w.auth, "POST", "/auth/password-reset/confirm", ""}, {w.auth, "POST", "/auth/confirm-phone", ann.token},
		{w.me, "PATCH", "/me", ann.token}, {w.me, "POST", "/me/phone", ann.token},
		{w.me, "POST", "/me/phone/verify", ann.token}, {w.me, "DELETE", "/me/tfa", ann.token},
		{w.me, "POST", "/me/tfa/challenges", ann.token}, {w.me, "POST", "/me/tfa/challenges/X/verify", ann.token},
		{w.me, "POST", "/me/password", ann.token}, {w.me, "POST", "/me/email", ann.token},
		{w.me, "POST", "/tfa/operation-tokens/consume", apptest.ServiceToken},
	}
	for _, rt := range routes {
		for _, body := range bodies {
			res := w.do(rt.h, rt.method, rt.path, body, rt.token)
			if res.Status >= 500 {
				t.Errorf("%s %s %.60s: %d %s", rt.method, rt.path, body, res.Status, res.Body)
			}
			w.env.Clock.Advance(61e9) // keep the rate limits out of the way
		}
	}
}
