package auth_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/linktoken"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/callcount"
)

// counted returns the auth function's handler with its AWS calls
// recorded by rec (the world's handler is built before it).
func (w *world) counted() (http.Handler, *callcount.Recorder) {
	rec := callcount.New(false)
	w.env.Deps.AWS = rec.Instrument(w.env.Deps.AWS, "auth")
	return w.env.Handler("auth"), rec
}

// tokens are every token of kind sent to email, oldest first.
func (w *world) tokens(email, kind string) []string {
	var out []string
	for _, m := range w.env.Deps.Outbox.List() { // newest first
		if m.Channel == "email" && m.To == email && m.Kind == kind {
			out = append([]string{apptest.TokenOf(w.t, m.Message)}, out...)
		}
	}
	return out
}

// profileAttr is a string attribute of the only client's profile.
func (w *world) profileAttr(name string) string {
	w.t.Helper()
	list := w.env.ItemsOfType("client")
	if len(list) != 1 {
		w.t.Fatalf("%d profiles", len(list))
	}
	s, _ := list[0][name].(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

// touches reports whether call c names a partition starting with prefix.
func touches(c callcount.Call, prefix string) bool {
	return slices.ContainsFunc(c.Partitions, func(p string) bool { return strings.HasPrefix(p, prefix) })
}

// A sign-up under email confirmation writes the link's token, and its
// hash on the profile, in the sign-up's own transaction: no write of its
// own for either, and the emailed token is the one the profile names.
func TestSignupWritesTheEmailTokenWithTheClient(t *testing.T) {
	w := newWorld(t)
	w.registration("email")
	h, rec := w.counted()
	apptest.Do(t, h, apptest.Request{Method: http.MethodPost, Path: "/auth/signup",
		Body: map[string]any{"email": ann, "password": strongPassword}}).Expect(t, 201)
	var withToken int
	for _, c := range rec.Take() {
		switch {
		case c.Operation == "TransactWriteItems" && touches(c, "TOKEN#"):
			withToken++
			if !touches(c, "CLIENT#") || !touches(c, "EMAIL#") || !touches(c, "SESSION#") {
				t.Fatalf("the token's transaction is not the sign-up's: %v", c)
			}
		case (c.Operation == "PutItem" || c.Operation == "UpdateItem") && (touches(c, "TOKEN#") || touches(c, "CLIENT#")):
			t.Fatalf("a write of its own: %v", c)
		}
	}
	if withToken != 1 {
		t.Fatalf("%d transactions wrote the token, want 1", withToken)
	}
	stored := w.env.ItemsOfType("token")
	token := w.env.LastToken(ann, "email_verification")
	if len(stored) != 1 || w.profileAttr("email_token") != linktoken.Hash(token) {
		t.Fatalf("%d tokens stored; the profile names %q", len(stored), w.profileAttr("email_token"))
	}
	if strings.Contains(w.profileAttr("email_token"), token) {
		t.Fatal("the profile holds the token itself")
	}
	res := w.post("/auth/confirm-email", map[string]any{"token": token}, "").Expect(t, 200).Map(t)
	if e, _ := confirmation(t, res); e != "confirmed" {
		t.Fatalf("answer %v", res)
	}
}

// A resend writes its token and the profile's hash of it in one
// transaction. Of the tokens of concurrent resends, all published, exactly
// one works (the one whose transaction came last), and only once, however
// many confirmations race with it.
func TestResentTokensWorkExactlyOnce(t *testing.T) {
	w := newWorld(t)
	w.registration("email")
	token, _ := sessionOf(t, w.signup(ann, ""))
	h, rec := w.counted()
	for _, res := range apptest.Concurrently(4, func(int) *apptest.Response {
		return apptest.Do(t, h, apptest.Request{Method: http.MethodPost, Path: "/auth/confirm-email/resend", Token: token})
	}) {
		res.Expect(t, 202)
	}
	for _, c := range rec.Take() {
		if c.Function == "auth" && (c.Operation == "PutItem" || c.Operation == "UpdateItem") && (touches(c, "TOKEN#") || touches(c, "CLIENT#")) {
			t.Fatalf("a write outside the transaction: %v", c)
		}
	}
	sent := w.tokens(ann, "email_verification")
	if len(sent) != 5 || len(w.env.ItemsOfType("token")) != 5 {
		t.Fatalf("%d tokens sent, %d stored; want 5 of each", len(sent), len(w.env.ItemsOfType("token")))
	}
	current := w.profileAttr("email_token")
	answers := apptest.Concurrently(2*len(sent), func(i int) *apptest.Response {
		return w.post("/auth/confirm-email", map[string]any{"token": sent[i/2]}, "")
	})
	confirmed := 0
	for i, res := range answers {
		if res.Status == 200 {
			confirmed++
			if linktoken.Hash(sent[i/2]) != current {
				t.Fatalf("token %d confirmed; the profile named another", i/2)
			}
			continue
		}
		res.ExpectProblem(t, 400, "token_invalid")
	}
	if confirmed != 1 {
		t.Fatalf("%d confirmations succeeded, want 1", confirmed)
	}
	w.post("/auth/confirm-email/resend", nil, token).ExpectProblem(t, 409, "already_confirmed")
}

// confirm-phone answers the profile as its update left it, and an address
// change's confirmation the profile as read with what its transaction
// wrote: neither reads the profile after its write, and both answer what
// a read would.
func TestConfirmationsAnswerWithoutReadingAgain(t *testing.T) {
	w := newWorld(t)
	w.registration("email_and_phone")
	a := w.signup(ann, annPhone)
	token, _ := sessionOf(t, a)
	ch := a["phone_challenge"].(map[string]any)
	h, rec := w.counted()
	res := apptest.Do(t, h, apptest.Request{Method: http.MethodPost, Path: "/auth/confirm-phone", Token: token,
		Body: map[string]any{"challenge_id": ch["challenge_id"], "code": w.env.LastCode(annPhone)}}).Expect(t, 200).Map(t)
	if e, p := confirmation(t, res); e != "pending" || p != "confirmed" || res["status"] != "pending_confirmation" {
		t.Fatalf("confirm-phone answered %v", res)
	}
	if n := profileReads(rec.Take()); n != 1 {
		t.Fatalf("confirm-phone read the profile %d times, want 1 (before its write)", n)
	}
	res = w.post("/auth/confirm-email", map[string]any{"token": w.env.LastToken(ann, "email_verification")}, "").Expect(t, 200).Map(t)
	if e, p := confirmation(t, res); e != "confirmed" || p != "confirmed" || res["status"] != "confirmed" {
		t.Fatalf("confirm-email answered %v", res)
	}
}

// profileReads is how many of calls read a client profile.
func profileReads(calls []callcount.Call) int {
	n := 0
	for _, c := range calls {
		if c.Operation == "GetItem" && touches(c, "CLIENT#") {
			n++
		}
	}
	return n
}
