package auth_test

import (
	"net/http"
	"sync"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

const (
	ann      = "ann@example.com"
	annPhone = "+4915112345678"
)

// No confirmation: the client is confirmed at once and its session works.
func TestSignupWithoutConfirmation(t *testing.T) {
	w := newWorld(t)
	a := w.signup("Ann@Example.com", "")
	if a["status"] != "confirmed" {
		t.Fatalf("status %v", a)
	}
	if e, p := confirmation(t, a); e != "not_required" || p != "not_required" {
		t.Fatalf("confirmation %s %s", e, p)
	}
	token, _ := sessionOf(t, a)
	w.post("/auth/logout", nil, token).Expect(t, 204)
	w.post("/auth/logout", nil, token).ExpectProblem(t, 401, "unauthenticated") // ended server-side
	if n := len(w.env.Deps.Outbox.List()); n != 0 {
		t.Fatalf("%d messages went out", n)
	}
	// Logging in with another case of the address works.
	w.login("ANN@example.COM", strongPassword).Expect(t, 200)
}

// Email confirmation: a single-use token in a notification event; until it
// is used the email is pending; a resend voids the earlier token.
func TestSignupConfirmedByEmail(t *testing.T) {
	w := newWorld(t)
	w.registration("email")
	a := w.signup(ann, "")
	if e, p := confirmation(t, a); e != "pending" || p != "not_required" || a["status"] != "pending_confirmation" {
		t.Fatalf("answer %v", a)
	}
	token, _ := sessionOf(t, a)
	first := w.env.LastToken(ann, "email_verification")
	if len(first) < 43 { // 256 bits, base64url
		t.Fatalf("token %q is short", first)
	}
	w.post("/auth/confirm-email/resend", nil, token).Expect(t, 202)
	second := w.env.LastToken(ann, "email_verification")
	w.post("/auth/confirm-email", map[string]any{"token": first}, "").ExpectProblem(t, 400, "token_invalid")
	res := w.post("/auth/confirm-email", map[string]any{"token": second}, "").Expect(t, 200).Map(t)
	if e, _ := confirmation(t, res); e != "confirmed" || res["status"] != "confirmed" {
		t.Fatalf("after confirming: %v", res)
	}
	w.post("/auth/confirm-email", map[string]any{"token": second}, "").ExpectProblem(t, 400, "token_invalid")
	w.post("/auth/confirm-email/resend", nil, token).ExpectProblem(t, 409, "already_confirmed")
}

// An email token expires.
func TestEmailTokenExpires(t *testing.T) {
	w := newWorld(t)
	w.registration("email")
	w.signup(ann, "")
	token := w.env.LastToken(ann, "email_verification")
	w.env.Clock.Advance(24*3600e9 + 1)
	w.post("/auth/confirm-email", map[string]any{"token": token}, "").ExpectProblem(t, 400, "token_invalid")
}

// Phone confirmation: an SMS code that confirms exactly the number it went to.
func TestSignupConfirmedByPhone(t *testing.T) {
	w := newWorld(t)
	w.registration("phone")
	w.post("/auth/signup", map[string]any{"email": ann, "password": strongPassword}, "").
		ExpectInvalid(t, "validation_failed", "phone")
	w.post("/auth/signup", map[string]any{"email": ann, "password": strongPassword, "phone": "+49 30 1234567"}, "").
		ExpectProblem(t, 422, "invalid_phone") // a fixed line gets no code
	a := w.signup(ann, "+49 151 12345678")
	if e, p := confirmation(t, a); e != "not_required" || p != "pending" {
		t.Fatalf("answer %v", a)
	}
	ch := a["phone_challenge"].(map[string]any)
	token, _ := sessionOf(t, a)
	code := w.env.LastCode(annPhone)
	confirm := func(code string) *apptest.Response {
		return w.post("/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": code}, token)
	}
	confirm(wrong(code)).ExpectProblem(t, 400, "otp_invalid")
	res := confirm(code).Expect(t, 200).Map(t)
	if _, p := confirmation(t, res); p != "confirmed" || res["status"] != "confirmed" {
		t.Fatalf("after confirming: %v", res)
	}
	w.post("/auth/confirm-phone/resend", nil, token).ExpectProblem(t, 409, "already_confirmed")
	// The confirm routes need a session: without a token API Gateway
	// answers 401 itself (the identity source is missing), and so does the
	// local stand-in; with a bad one the function answers the problem.
	w.post("/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": code}, "").Expect(t, 401)
	w.post("/auth/confirm-phone", map[string]any{"challenge_id": ch["challenge_id"], "code": code}, "x.y").
		ExpectProblem(t, 401, "unauthenticated")
}

// Both: the client is confirmed only once both are.
func TestSignupConfirmedByEmailAndPhone(t *testing.T) {
	w := newWorld(t)
	w.registration("email_and_phone")
	a := w.signup(ann, annPhone)
	token, _ := sessionOf(t, a)
	w.env.Clock.Advance(61e9) // past the resend cooldown
	resent := w.post("/auth/confirm-phone/resend", nil, token).Expect(t, 202).Map(t)
	res := w.post("/auth/confirm-phone", map[string]any{"challenge_id": resent["challenge_id"], "code": w.env.LastCode(annPhone)}, token).
		Expect(t, 200).Map(t)
	if res["status"] != "pending_confirmation" {
		t.Fatalf("confirmed with the email pending: %v", res)
	}
	res = w.post("/auth/confirm-email", map[string]any{"token": w.env.LastToken(ann, "email_verification")}, "").Expect(t, 200).Map(t)
	if e, p := confirmation(t, res); e != "confirmed" || p != "confirmed" || res["status"] != "confirmed" {
		t.Fatalf("answer %v", res)
	}
}

// Sign-up rules: each bad field is named.
func TestSignupValidation(t *testing.T) {
	w := newWorld(t)
	w.post("/auth/signup", map[string]any{"email": "nope", "password": "password1", "language": "xx", "type": "robot"}, "").
		ExpectInvalid(t, "validation_failed", "email", "password", "language", "type")
	w.post("/auth/signup", map[string]any{"email": "annabel@example.com", "password": "Annabel-secret-99"}, "").
		ExpectInvalid(t, "validation_failed", "password") // holds the address's local part
	w.post("/auth/signup", map[string]any{"email": ann, "password": strongPassword, "extra": 1}, "").
		ExpectProblem(t, 400, "bad_request")
	a := w.post("/auth/signup", map[string]any{"email": ann, "password": strongPassword, "type": "business"}, "").Expect(t, 201).Map(t)
	if a["client_id"] == "" {
		t.Fatal(a)
	}
}

// Two concurrent sign-ups with one email (in any case), or one phone:
// exactly one wins.
func TestConcurrentSignupsClaimOnce(t *testing.T) {
	w := newWorld(t)
	const n = 8
	for _, tc := range []struct {
		name string
		body func(i int) map[string]any
		code string
	}{
		{"email", func(i int) map[string]any {
			email := "Race@Example.com"
			if i%2 == 1 {
				email = "race@example.COM"
			}
			return map[string]any{"email": email, "password": strongPassword}
		}, "email_taken"},
		{"phone", func(i int) map[string]any {
			return map[string]any{"email": "p" + string(rune('a'+i)) + "@example.com", "password": strongPassword, "phone": "+4915199999999"}
		}, "phone_taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			created, taken := 0, 0
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := apptest.Do(t, w.auth, apptest.Request{Method: http.MethodPost, Path: "/auth/signup", Body: tc.body(i)})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case res.Status == 201:
						created++
					case res.Status == 409 && res.Map(t)["code"] == tc.code:
						taken++
					default:
						t.Errorf("answer %d %s", res.Status, res.Body)
					}
				}()
			}
			wg.Wait()
			if created != 1 || taken != n-1 {
				t.Fatalf("%d created, %d taken", created, taken)
			}
		})
	}
}
