package auth_test

import (
	"testing"
	"time"
)

// Reset by email: 202 whatever the address, a link to a known one, and
// the new password ends every session.
func TestPasswordResetByEmail(t *testing.T) {
	w := newWorld(t)
	a := w.signup(ann, "")
	token, _ := sessionOf(t, a)
	other, _ := sessionOf(t, w.login(ann, strongPassword).Expect(t, 200).Map(t))
	known := w.post("/auth/password-reset", map[string]any{"email": ann}, "").Expect(t, 202).Map(t)
	unknown := w.post("/auth/password-reset", map[string]any{"email": "nobody@example.com"}, "").Expect(t, 202).Map(t)
	if len(known) != 0 || len(unknown) != 0 {
		t.Fatalf("answers %v %v", known, unknown)
	}
	if n := w.countOutbox("email"); n != 1 {
		t.Fatalf("%d emails", n)
	}
	link := w.env.LastToken(ann, "password_reset")
	w.post("/auth/password-reset/confirm", map[string]any{"token": link, "new_password": "123456789"}, "").
		ExpectInvalid(t, "validation_failed", "new_password") // common: refused, the link still works
	const next = "a different long passphrase"
	w.post("/auth/password-reset/confirm", map[string]any{"token": link, "new_password": next}, "").Expect(t, 204)
	w.post("/auth/password-reset/confirm", map[string]any{"token": link, "new_password": next + "!"}, "").ExpectProblem(t, 400, "token_invalid")
	w.post("/auth/logout", nil, token).ExpectProblem(t, 401, "unauthenticated")
	w.post("/auth/logout", nil, other).ExpectProblem(t, 401, "unauthenticated")
	w.login(ann, strongPassword).ExpectProblem(t, 401, "invalid_credentials")
	w.login(ann, next).Expect(t, 200)
}

// Reset by SMS when phones are confirmed: a challenge for every address
// (a decoy for unknown ones), the code sets the password.
func TestPasswordResetBySMS(t *testing.T) {
	w := newWorld(t)
	_, token := w.signupConfirmingPhone(ann, annPhone)
	w.env.Clock.Advance(2 * time.Minute)

	known := w.post("/auth/password-reset", map[string]any{"email": ann}, "").Expect(t, 202).Map(t)
	unknown := w.post("/auth/password-reset", map[string]any{"email": "nobody@example.com"}, "").Expect(t, 202).Map(t)
	if len(known) != len(unknown) || known["challenge_id"] == nil || unknown["challenge_id"] == nil {
		t.Fatalf("answers differ in shape: %v %v", known, unknown)
	}
	code := w.env.LastCode(annPhone)
	const next = "a different long passphrase"
	w.post("/auth/password-reset/confirm", map[string]any{"challenge_id": unknown["challenge_id"], "code": code, "new_password": next}, "").
		ExpectProblem(t, 400, "otp_invalid") // a decoy: like a wrong code
	w.post("/auth/password-reset/confirm", map[string]any{"challenge_id": known["challenge_id"], "code": wrong(code), "new_password": next}, "").
		ExpectProblem(t, 400, "otp_invalid")
	w.post("/auth/password-reset/confirm", map[string]any{"challenge_id": known["challenge_id"], "code": code, "new_password": next}, "").Expect(t, 204)
	w.post("/auth/logout", nil, token).ExpectProblem(t, 401, "unauthenticated")
	w.login(ann, next).Expect(t, 200)
	w.post("/auth/password-reset/confirm", map[string]any{"challenge_id": known["challenge_id"], "code": code, "new_password": next}, "").
		ExpectProblem(t, 400, "otp_invalid")
	w.post("/auth/password-reset/confirm", map[string]any{"token": "x", "code": code, "new_password": next}, "").
		ExpectProblem(t, 422, "validation_failed")
}
