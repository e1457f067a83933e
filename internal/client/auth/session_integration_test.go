package auth_test

import (
	"testing"
	"time"
)

// Sessions through the auth routes: idle timeout (shortened by an admin
// for live sessions), the refresh window, rotation and the reuse of a
// rotated refresh token, the absolute lifetime.
func TestSessionLifecycle(t *testing.T) {
	w := newWorld(t)
	w.env.Configure("general", "general", map[string]any{"security": map[string]any{"session_minutes": 30, "refresh_session_minutes": 120}})
	a := w.signup(ann, "")
	token, refresh := sessionOf(t, a)

	// Refresh rotates both tokens; the old pair stops working.
	w.env.Clock.Advance(10 * time.Minute)
	r1 := w.post("/auth/refresh", map[string]any{"refresh_token": refresh}, "").Expect(t, 200).Map(t)
	token2, refresh2 := sessionOf(t, r1)
	if token2 == token || refresh2 == refresh {
		t.Fatal("refresh did not rotate the tokens")
	}
	w.post("/auth/confirm-email/resend", nil, token).ExpectProblem(t, 401, "unauthenticated")

	// Idle past session_minutes: expired; within the refresh window a
	// refresh brings it back.
	w.env.Clock.Advance(31 * time.Minute)
	w.post("/auth/confirm-email/resend", nil, token2).ExpectProblem(t, 401, "session_expired")
	r2 := w.post("/auth/refresh", map[string]any{"refresh_token": refresh2}, "").Expect(t, 200).Map(t)
	token3, refresh3 := sessionOf(t, r2)

	// The admin shortens session_minutes: it applies to this live session.
	w.env.Configure("general", "general", map[string]any{"security": map[string]any{"session_minutes": 5, "refresh_session_minutes": 10}})
	w.env.Clock.Advance(6 * time.Minute)
	w.post("/auth/confirm-email/resend", nil, token3).ExpectProblem(t, 401, "session_expired")
	w.env.Clock.Advance(5 * time.Minute) // past the refresh window too
	w.post("/auth/refresh", map[string]any{"refresh_token": refresh3}, "").ExpectProblem(t, 401, "session_expired")
}

// A rotated refresh token that comes back revokes the whole session: the
// thief's and the client's tokens all stop working.
func TestRefreshTokenReuseRevokesTheSession(t *testing.T) {
	w := newWorld(t)
	token, refresh := sessionOf(t, w.signup(ann, ""))
	_ = token
	next := w.post("/auth/refresh", map[string]any{"refresh_token": refresh}, "").Expect(t, 200).Map(t)
	token2, refresh2 := sessionOf(t, next)
	w.post("/auth/refresh", map[string]any{"refresh_token": refresh}, "").ExpectProblem(t, 401, "unauthenticated") // the replay
	w.post("/auth/logout", nil, token2).ExpectProblem(t, 401, "unauthenticated")
	w.post("/auth/refresh", map[string]any{"refresh_token": refresh2}, "").ExpectProblem(t, 401, "unauthenticated")
}

// absolute_session_hours ends even an active session.
func TestAbsoluteLifetime(t *testing.T) {
	w := newWorld(t)
	w.security(map[string]any{"absolute_session_hours": 1})
	token, refresh := sessionOf(t, w.signup(ann, ""))
	for range 5 { // active every 15 minutes
		w.env.Clock.Advance(15 * time.Minute)
		res := w.post("/auth/refresh", map[string]any{"refresh_token": refresh}, "")
		if res.Status != 200 {
			res.ExpectProblem(t, 401, "session_expired")
			return
		}
		token, refresh = sessionOf(t, res.Map(t))
	}
	w.post("/auth/logout", nil, token).ExpectProblem(t, 401, "session_expired")
}
