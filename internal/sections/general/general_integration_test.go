package general_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/app"
	"clientarea/internal/testsupport/apptest"
)

const path = "/admin/config/general"

func TestDefaultsBeforeFirstSave(t *testing.T) {
	c := apptest.New(t).Admin("general")
	res := c.Get(path).Expect(t, 200)
	if res.Header.Get("ETag") != `"0"` {
		t.Fatalf("ETag %q, want \"0\"", res.Header.Get("ETag"))
	}
	want := `{"clients":{"max_accounts":0,"activate_account_on_create":true,"demo_account":false,"personal_manager":false,"exchange_tfa":false,"withdrawal_tfa":false},"security":{"session_minutes":60,"refresh_session_minutes":120},"version":0}`
	if got := strings.TrimSpace(string(res.Body)); got != want {
		t.Fatalf("defaults:\n got %s\nwant %s", got, want)
	}
}

func TestBlankSessionFieldsTakeTheirDefaults(t *testing.T) {
	cases := []struct {
		name             string
		security         map[string]any
		session, refresh float64
	}{
		{"both left out", map[string]any{}, 60, 120},
		{"both null", map[string]any{"session_minutes": nil, "refresh_session_minutes": nil}, 60, 120},
		{"refresh blank is twice the session", map[string]any{"session_minutes": 45}, 45, 90},
		{"twice the session is capped at a week", map[string]any{"session_minutes": 6000}, 6000, 10080},
		{"session blank, refresh given", map[string]any{"refresh_session_minutes": 200}, 60, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := apptest.New(t).Admin("general")
			res := c.Put(path, map[string]any{"security": tc.security}, `"0"`).Expect(t, 200)
			sec := res.Map(t)["security"].(map[string]any)
			if sec["session_minutes"] != tc.session || sec["refresh_session_minutes"] != tc.refresh {
				t.Fatalf("security = %v, want %v/%v", sec, tc.session, tc.refresh)
			}
			// What was stored is what GET now returns.
			again := c.Get(path).Expect(t, 200).Map(t)["security"].(map[string]any)
			if again["session_minutes"] != tc.session || again["refresh_session_minutes"] != tc.refresh {
				t.Fatalf("stored security = %v", again)
			}
		})
	}
}

func TestLeftOutFieldsTakeDefaultsOnPut(t *testing.T) {
	c := apptest.New(t).Admin("general")
	res := c.Put(path, map[string]any{"clients": map[string]any{"demo_account": true}}, `"0"`).Expect(t, 200).Map(t)
	clients := res["clients"].(map[string]any)
	if clients["activate_account_on_create"] != true || clients["demo_account"] != true || clients["max_accounts"] != 0.0 {
		t.Fatalf("clients = %v", clients)
	}
}

// The rules themselves are unit-tested (rules_test.go); over HTTP, a
// rejected document is a 422 naming every bad field, and nothing is written.
func TestInvalidDocumentIs422AndWritesNothing(t *testing.T) {
	c := apptest.New(t).Admin("general")
	c.Put(path, map[string]any{"clients": map[string]any{"max_accounts": 5000}, "security": map[string]any{"session_minutes": -3}}, `"0"`).
		ExpectInvalid(t, "validation_failed", "clients.max_accounts", "security.session_minutes")
	if got := c.Get(path).Expect(t, 200).Map(t)["version"]; got != 0.0 {
		t.Fatalf("version after a rejected PUT = %v", got)
	}
	if entries := c.Audit("general"); len(entries) != 0 {
		t.Fatalf("a rejected PUT left %d audit entries", len(entries))
	}
}

func TestMalformedBodiesAre400(t *testing.T) {
	cases := map[string]string{
		"malformed JSON":       `{"clients":`,
		"wrong type":           `{"clients":{"max_accounts":"ten"}}`,
		"blank string":         `{"security":{"session_minutes":""}}`,
		"fraction":             `{"clients":{"max_accounts":1.5}}`,
		"unknown field":        `{"clients":{"max_accountz":1}}`,
		"unknown top field":    `{"colour":"blue"}`,
		"trailing data":        `{} {}`,
		"not an object":        `[1,2]`,
		"null":                 `null`,
		"empty body":           ``,
		"version not a number": `{"version":"one"}`,
		"over 64 KiB":          `{"clients":{"max_accounts":1},"pad":"` + strings.Repeat("x", 70<<10) + `"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c := apptest.New(t).Admin("general")
			p := c.Put(path, body, `"0"`).ExpectProblem(t, 400, "bad_request")
			if p["detail"] == "" {
				t.Fatal("a 400 must say what is wrong")
			}
		})
	}
}

func TestOptimisticConcurrency(t *testing.T) {
	c := apptest.New(t).Admin("general")
	body := map[string]any{"clients": map[string]any{"max_accounts": 3}}

	c.Put(path, body, "").ExpectProblem(t, 428, "precondition_required")
	c.Put(path, body, "*").ExpectProblem(t, 428, "precondition_required")
	c.Put(path, body, `"1"`).ExpectProblem(t, 412, "version_conflict")

	first := c.Put(path, body, `"0"`).Expect(t, 200)
	if first.Header.Get("ETag") != `"1"` || first.Map(t)["version"] != 1.0 {
		t.Fatalf("first save: ETag %s body %s", first.Header.Get("ETag"), first.Body)
	}
	c.Put(path, body, `"0"`).ExpectProblem(t, 412, "version_conflict")

	// The version may come in the body instead of If-Match, and a GET's
	// answer can be sent back as it is.
	doc := c.Get(path).Expect(t, 200).Map(t)
	doc["clients"].(map[string]any)["max_accounts"] = 7
	second := c.Put(path, doc, "").Expect(t, 200).Map(t)
	if second["version"] != 2.0 || second["clients"].(map[string]any)["max_accounts"] != 7.0 {
		t.Fatalf("second save: %v", second)
	}
	c.Put(path, doc, "").ExpectProblem(t, 412, "version_conflict") // doc still says version 1
	// If-Match compares strongly: a weak ETag never matches. A disagreement
	// between header and body is 400.
	c.Put(path, map[string]any{}, `W/"2"`).ExpectProblem(t, 412, "version_conflict")
	c.Put(path, map[string]any{}, `"2"`).Expect(t, 200)
	c.Put(path, map[string]any{"version": 2}, `"3"`).ExpectProblem(t, 400, "bad_request")
}

func TestConcurrentWritersLoseNoUpdate(t *testing.T) {
	c := apptest.New(t).Admin("general")
	c.Put(path, map[string]any{}, `"0"`).Expect(t, 200)

	winner := c.RaceWriters(path, 12, `"1"`, func(i int) any {
		return map[string]any{"clients": map[string]any{"max_accounts": 100 + i}}
	})
	doc := c.Get(path).Expect(t, 200).Map(t)
	if doc["version"] != 2.0 || doc["clients"].(map[string]any)["max_accounts"] != float64(100+winner) {
		t.Fatalf("stored %v, want the winner's max_accounts %d at version 2", doc, 100+winner)
	}
	if entries := c.Audit("general"); len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2 (one per successful write)", len(entries))
	}
}

func TestEveryWriteIsAudited(t *testing.T) {
	env := apptest.New(t)
	c := env.Admin("general")
	c.Put(path, map[string]any{"clients": map[string]any{"max_accounts": 2}}, `"0"`).Expect(t, 200)
	at := env.Clock.Now()
	c.Put(path, map[string]any{"clients": map[string]any{"max_accounts": 9}}, `"1"`).Expect(t, 200)

	entries := c.Audit("general")
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2", len(entries))
	}
	newest, oldest := entries[0], entries[1]
	if newest.Version != 2 || oldest.Version != 1 {
		t.Fatalf("entries not newest first: versions %d, %d", newest.Version, oldest.Version)
	}
	maxAccounts := func(doc map[string]any) any { return doc["clients"].(map[string]any)["max_accounts"] }
	if maxAccounts(oldest.Before) != 0.0 || maxAccounts(oldest.After) != 2.0 ||
		maxAccounts(newest.Before) != 2.0 || maxAccounts(newest.After) != 9.0 {
		t.Fatalf("before/after wrong: %+v / %+v", oldest, newest)
	}
	if newest.Actor != "dev-admin" || newest.Section != "general" || !newest.At.Equal(at) {
		t.Fatalf("who/what/when wrong: %+v (want at %v)", newest, at)
	}
}

func TestAuthorization(t *testing.T) {
	c := apptest.New(t).Admin("general")
	c.Anonymous("GET", path, nil).ExpectProblem(t, 401, "unauthenticated")
	c.Send(apptest.Request{Method: "GET", Path: path, Token: "someone-else"}).ExpectProblem(t, 401, "unauthenticated")
	c.Anonymous("PUT", path, "{}").ExpectProblem(t, 401, "unauthenticated")

	// Through the Lambda path: API Gateway's JWT authorizer passes claims.
	lambda := app.LambdaHandler(c.H)
	invoke := func(groups string) int {
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "GET " + path, RawPath: path,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				RequestID: "req-1",
				HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
					JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
						Claims: map[string]string{"sub": "u-1", "cognito:groups": groups}}},
			},
		}
		res, err := lambda(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode
	}
	if s := invoke("[support sales]"); s != 403 {
		t.Fatalf("a JWT without the admin group got %d, want 403", s)
	}
	if s := invoke("[support client-area-admin]"); s != 200 {
		t.Fatalf("an admin JWT got %d, want 200", s)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	c := apptest.New(t).Admin("general")
	res := c.Do(http.MethodDelete, path, nil, "")
	res.ExpectProblem(t, 405, "method_not_allowed")
	if allow := res.Header.Get("Allow"); allow != "GET, PUT" {
		t.Fatalf("Allow %q", allow)
	}
	c.Get("/admin/config/nope").ExpectProblem(t, 404, "not_found")
}
