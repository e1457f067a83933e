package auth_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/password"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
)

var requestID = regexp.MustCompile(`"request_id":"[^"]*"`)

// An unknown address and a wrong password get the same answer, byte for
// byte but the request id.
func TestUnknownEmailAndWrongPasswordAnswerAlike(t *testing.T) {
	w := newWorld(t)
	w.signup(ann, "")
	unknown := w.login("nobody@example.com", strongPassword)
	wrongPw := w.login(ann, "not the password")
	unknown.ExpectProblem(t, 401, "invalid_credentials")
	wrongPw.ExpectProblem(t, 401, "invalid_credentials")
	strip := func(r []byte) []byte { return requestID.ReplaceAll(r, nil) }
	if !bytes.Equal(strip(unknown.Body), strip(wrongPw.Body)) {
		t.Fatalf("answers differ:\n%s\n%s", unknown.Body, wrongPw.Body)
	}
	for _, h := range []string{"Content-Type", "Retry-After", "Www-Authenticate"} {
		if unknown.Header.Get(h) != wrongPw.Header.Get(h) {
			t.Fatalf("header %s differs", h)
		}
	}
}

// max_failed_logins failures lock the address for lockout_minutes (429
// with Retry-After), even for the right password; attempts during the lock
// do not extend it; it ends on its own. Unknown addresses lock alike.
func TestLockoutAndItsExpiry(t *testing.T) {
	w := newWorld(t)
	w.security(map[string]any{"max_failed_logins": 3, "lockout_minutes": 10})
	w.signup(ann, "")
	for _, email := range []string{ann, "nobody@example.com"} {
		w.login(email, "wrong one").ExpectProblem(t, 401, "invalid_credentials")
		w.login(email, "wrong two").ExpectProblem(t, 401, "invalid_credentials")
		res := w.login(email, "wrong three")
		res.ExpectProblem(t, 429, "locked")
		if res.Header.Get("Retry-After") != "600" {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
	}
	w.env.Clock.Advance(5 * time.Minute)
	res := w.login(ann, strongPassword)
	res.ExpectProblem(t, 429, "locked")
	if res.Header.Get("Retry-After") != "300" { // not extended by the attempt
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	w.env.Clock.Advance(5*time.Minute + time.Second)
	w.login(ann, strongPassword).Expect(t, 200)
}

// Concurrent wrong passwords are all counted: none slips past the limit.
func TestConcurrentFailuresAreAllCounted(t *testing.T) {
	w := newWorld(t)
	w.security(map[string]any{"max_failed_logins": 5})
	w.signup(ann, "")
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := w.login(ann, "wrong")
			mu.Lock()
			statuses[res.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[401] > 4 || statuses[401]+statuses[429] != 12 {
		t.Fatalf("answers %v: more wrong passwords were checked than the limit allows", statuses)
	}
	w.login(ann, strongPassword).ExpectProblem(t, 429, "locked")
}

// Failures further apart than the lockout period do not add up.
func TestOldFailuresAreForgotten(t *testing.T) {
	w := newWorld(t)
	w.security(map[string]any{"max_failed_logins": 2, "lockout_minutes": 10})
	w.signup(ann, "")
	w.login(ann, "wrong").ExpectProblem(t, 401, "invalid_credentials")
	w.env.Clock.Advance(11 * time.Minute)
	w.login(ann, "wrong").ExpectProblem(t, 401, "invalid_credentials")
	w.login(ann, strongPassword).Expect(t, 200)
}

// 2FA at login when mandatory 2FA lists login: a client with a confirmed
// phone gets a code; one without gets a session that may only set up 2FA.
func TestMandatoryLoginTFA(t *testing.T) {
	w := newWorld(t)
	w.signupConfirmingPhone(ann, annPhone)
	w.registration("none")
	w.signup("bob@example.com", "") // no phone
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login"}})

	w.env.Clock.Advance(2 * time.Minute) // past the resend cooldown
	res := w.login(ann, strongPassword).Expect(t, 200).Map(t)
	if res["tfa_required"] != true || res["session"] != nil {
		t.Fatalf("answer %v", res)
	}
	id := res["challenge_id"]
	code := w.env.LastCode(annPhone)
	w.post("/auth/login/verify", map[string]any{"challenge_id": id, "code": wrong(code)}, "").ExpectProblem(t, 400, "otp_invalid")
	full := w.post("/auth/login/verify", map[string]any{"challenge_id": id, "code": code}, "").Expect(t, 200).Map(t)
	if s := full["session"].(map[string]any); s["scope"] != "full" {
		t.Fatalf("session %v", s)
	}
	w.post("/auth/login/verify", map[string]any{"challenge_id": id, "code": code}, "").ExpectProblem(t, 400, "otp_invalid")

	setup := w.login("bob@example.com", strongPassword).Expect(t, 200).Map(t)
	if setup["tfa_setup_required"] != true || setup["session"].(map[string]any)["scope"] != "tfa_setup" {
		t.Fatalf("answer %v", setup)
	}
	setupToken, _ := sessionOf(t, setup)
	w.post("/auth/logout", nil, setupToken).Expect(t, 204) // a setup session may log out
}

// A client who turned 2FA on gets a code at every login, mandatory or not.
func TestClientTFAAtLogin(t *testing.T) {
	w := newWorld(t)
	a, _ := w.signupConfirmingPhone(ann, annPhone)
	w.login(ann, strongPassword).Expect(t, 200) // 2FA off: a session at once
	_, err := w.env.Deps.Table.DB.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{TableName: aws.String(w.env.Deps.Table.Name),
		Key: dynamo.ClientKey(a["client_id"].(string)).KeyAttrs(), UpdateExpression: aws.String("SET tfa_enabled = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}})
	if err != nil {
		t.Fatal(err)
	}
	w.env.Clock.Advance(2 * time.Minute)
	if res := w.login(ann, strongPassword).Expect(t, 200).Map(t); res["tfa_required"] != true {
		t.Fatalf("answer %v", res)
	}
}

// The stored password is argon2id with today's parameters, and never the password.
func TestStoredPasswordHash(t *testing.T) {
	w := newWorld(t)
	a := w.signup(ann, "")
	out, err := w.env.Deps.Table.DB.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(w.env.Deps.Table.Name),
		Key: dynamo.ClientKey(a["client_id"].(string)).KeyAttrs()})
	if err != nil {
		t.Fatal(err)
	}
	var item struct {
		Hash string `dynamodbav:"password_hash"`
	}
	if err := dynamo.UnmarshalItem(out.Item, &item); err != nil {
		t.Fatal(err)
	}
	p, err := password.ParamsOf(item.Hash)
	if err != nil || p != password.Current() || p.MemoryKiB < 19456 || p.Iterations < 2 || p.Parallelism != 1 {
		t.Fatalf("params %+v %v of %q", p, err, item.Hash)
	}
	if strings.Contains(item.Hash, strongPassword) {
		t.Fatal("the password is stored")
	}
}

// A login code sent before a password reset opens no session after it: it
// was earned with the old password.
func TestLoginCodeDiesWithAPasswordReset(t *testing.T) {
	w := newWorld(t)
	w.signupConfirmingPhone(ann, annPhone)
	w.security(map[string]any{"mandatory_tfa": true, "tfa_operations": []string{"login"}})
	w.env.Clock.Advance(2 * time.Minute)
	login := w.login(ann, strongPassword).Expect(t, 200).Map(t)
	code := w.env.LastCode(annPhone)

	w.registration("none") // the reset goes by email
	w.post("/auth/password-reset", map[string]any{"email": ann}, "").Expect(t, 202)
	w.post("/auth/password-reset/confirm", map[string]any{"token": w.env.LastToken(ann, "password_reset"),
		"new_password": "a different long passphrase"}, "").Expect(t, 204)
	w.post("/auth/login/verify", map[string]any{"challenge_id": login["challenge_id"], "code": code}, "").
		ExpectProblem(t, 401, "invalid_credentials")
}

// A login reads the guard and the address's claim in one BatchGetItem.
// A wrong password counts with one UpdateItem whichever way the guard
// stands, chosen on the guard just read: going on with a run, or (the
// last failure older than the lockout period) starting a new one; the one
// that reaches the limit locks with one more.
func TestWrongPasswordsCountWithOneWrite(t *testing.T) {
	w := newWorld(t)
	w.security(map[string]any{"max_failed_logins": 3, "lockout_minutes": 10})
	w.signup(ann, "")
	h, rec := w.counted()
	login := func(email, pw string) *apptest.Response {
		return apptest.Do(t, h, apptest.Request{Method: http.MethodPost, Path: "/auth/login", Body: map[string]any{"email": email, "password": pw}})
	}
	// guardCalls checks the calls of one login on the guard and the claim.
	guardCalls := func(step string, updates int) {
		t.Helper()
		batches, got := 0, 0
		for _, c := range rec.Take() {
			switch {
			case c.Operation == "BatchGetItem" && touches(c, "LOGIN#") && touches(c, "EMAIL#"):
				batches++
			case touches(c, "LOGIN#") && c.Operation == "UpdateItem":
				got++
			case touches(c, "LOGIN#") || touches(c, "EMAIL#"):
				t.Fatalf("%s: %v", step, c)
			}
		}
		if batches != 1 || got != updates {
			t.Fatalf("%s: %d BatchGetItem of the guard and the claim (want 1), %d UpdateItem of the guard (want %d)", step, batches, got, updates)
		}
	}
	for _, email := range []string{ann, "nobody@example.com"} {
		rec.Take()
		login(email, "wrong").ExpectProblem(t, 401, "invalid_credentials")
		guardCalls(email+": a first failure", 1)
		login(email, "wrong").ExpectProblem(t, 401, "invalid_credentials")
		guardCalls(email+": a second one", 1)
		w.env.Clock.Advance(11 * time.Minute) // the run is over
		login(email, "wrong").ExpectProblem(t, 401, "invalid_credentials")
		guardCalls(email+": the first of a new run", 1)
		login(email, "wrong").ExpectProblem(t, 401, "invalid_credentials")
		guardCalls(email+": the second of the new run", 1)
		login(email, "wrong").ExpectProblem(t, 429, "locked")
		guardCalls(email+": the third, which locks", 2)
		login(email, strongPassword).ExpectProblem(t, 429, "locked")
		guardCalls(email+": while locked", 0)
		w.env.Clock.Advance(11 * time.Minute)
	}
	login(ann, strongPassword).Expect(t, 200)
	guardCalls("the right password", 0) // failures=0 after the lock: nothing to forget
}
