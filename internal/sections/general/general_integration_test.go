package general_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/admindoc/audit"
	"clientarea/internal/app"
	"clientarea/internal/testsupport/apptest"
)

const path = "/admin/config/general"

func setup(t *testing.T) (*apptest.Env, http.Handler) {
	env := apptest.New(t)
	return env, env.Handler("general")
}

func section(h http.Handler) apptest.Section { return apptest.Section{H: h, Path: path} }

func get(t *testing.T, h http.Handler) *apptest.Response { return section(h).Get(t) }

func put(t *testing.T, h http.Handler, body any, ifMatch string) *apptest.Response {
	return section(h).Put(t, body, ifMatch)
}

func TestDefaultsBeforeFirstSave(t *testing.T) {
	_, h := setup(t)
	res := get(t, h).Expect(t, 200)
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
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, h := setup(t)
			res := put(t, h, map[string]any{"security": c.security}, `"0"`).Expect(t, 200)
			sec := res.Map(t)["security"].(map[string]any)
			if sec["session_minutes"] != c.session || sec["refresh_session_minutes"] != c.refresh {
				t.Fatalf("security = %v, want %v/%v", sec, c.session, c.refresh)
			}
			// What was stored is what GET now returns.
			again := get(t, h).Expect(t, 200).Map(t)["security"].(map[string]any)
			if again["session_minutes"] != c.session || again["refresh_session_minutes"] != c.refresh {
				t.Fatalf("stored security = %v", again)
			}
		})
	}
}

func TestLeftOutFieldsTakeDefaultsOnPut(t *testing.T) {
	_, h := setup(t)
	res := put(t, h, map[string]any{"clients": map[string]any{"demo_account": true}}, `"0"`).Expect(t, 200).Map(t)
	clients := res["clients"].(map[string]any)
	if clients["activate_account_on_create"] != true || clients["demo_account"] != true || clients["max_accounts"] != 0.0 {
		t.Fatalf("clients = %v", clients)
	}
}

func TestValidationNamesEachBadField(t *testing.T) {
	cases := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"max accounts below 0", map[string]any{"clients": map[string]any{"max_accounts": -1}}, []string{"clients.max_accounts"}},
		{"max accounts above 1000", map[string]any{"clients": map[string]any{"max_accounts": 1001}}, []string{"clients.max_accounts"}},
		{"session 0", map[string]any{"security": map[string]any{"session_minutes": 0}}, []string{"security.session_minutes"}},
		{"session above a week", map[string]any{"security": map[string]any{"session_minutes": 10081}}, []string{"security.session_minutes"}},
		{"refresh 0", map[string]any{"security": map[string]any{"refresh_session_minutes": 0}}, []string{"security.refresh_session_minutes", "security.refresh_session_minutes"}},
		{"refresh above a week", map[string]any{"security": map[string]any{"refresh_session_minutes": 10081}}, []string{"security.refresh_session_minutes"}},
		{"refresh below session", map[string]any{"security": map[string]any{"session_minutes": 90, "refresh_session_minutes": 60}}, []string{"security.refresh_session_minutes"}},
		{"several at once", map[string]any{"clients": map[string]any{"max_accounts": 5000}, "security": map[string]any{"session_minutes": -3}},
			[]string{"clients.max_accounts", "security.session_minutes"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, h := setup(t)
			p := put(t, h, c.body, `"0"`).ExpectProblem(t, 422, "validation_failed")
			if got := apptest.FieldErrors(t, p); fmt.Sprint(got) != fmt.Sprint(c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
			// Nothing was written.
			if got := get(t, h).Expect(t, 200).Map(t)["version"]; got != 0.0 {
				t.Fatalf("version after a rejected PUT = %v", got)
			}
			if entries := auditEntries(t, env); len(entries) != 0 {
				t.Fatalf("a rejected PUT left %d audit entries", len(entries))
			}
		})
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
			_, h := setup(t)
			p := put(t, h, body, `"0"`).ExpectProblem(t, 400, "bad_request")
			if p["detail"] == "" {
				t.Fatal("a 400 must say what is wrong")
			}
		})
	}
}

func TestOptimisticConcurrency(t *testing.T) {
	_, h := setup(t)
	body := map[string]any{"clients": map[string]any{"max_accounts": 3}}

	put(t, h, body, "").ExpectProblem(t, 428, "precondition_required")
	put(t, h, body, "*").ExpectProblem(t, 428, "precondition_required")
	put(t, h, body, `"1"`).ExpectProblem(t, 412, "version_conflict")

	first := put(t, h, body, `"0"`).Expect(t, 200)
	if first.Header.Get("ETag") != `"1"` || first.Map(t)["version"] != 1.0 {
		t.Fatalf("first save: ETag %s body %s", first.Header.Get("ETag"), first.Body)
	}
	put(t, h, body, `"0"`).ExpectProblem(t, 412, "version_conflict")

	// The version may come in the body instead of If-Match, and a GET's
	// answer can be sent back as it is.
	doc := get(t, h).Expect(t, 200).Map(t)
	doc["clients"].(map[string]any)["max_accounts"] = 7
	second := put(t, h, doc, "").Expect(t, 200).Map(t)
	if second["version"] != 2.0 || second["clients"].(map[string]any)["max_accounts"] != 7.0 {
		t.Fatalf("second save: %v", second)
	}
	put(t, h, doc, "").ExpectProblem(t, 412, "version_conflict") // doc still says version 1
	// Weak ETags are understood; a disagreement between header and body is 400.
	put(t, h, map[string]any{}, `W/"2"`).Expect(t, 200)
	put(t, h, map[string]any{"version": 2}, `"3"`).ExpectProblem(t, 400, "bad_request")
}

func TestConcurrentWritersLoseNoUpdate(t *testing.T) {
	env, h := setup(t)
	put(t, h, map[string]any{}, `"0"`).Expect(t, 200)

	winner := section(h).RaceWriters(t, 12, `"1"`, func(i int) any {
		return map[string]any{"clients": map[string]any{"max_accounts": 100 + i}}
	})
	doc := get(t, h).Expect(t, 200).Map(t)
	if doc["version"] != 2.0 || doc["clients"].(map[string]any)["max_accounts"] != float64(100+winner) {
		t.Fatalf("stored %v, want the winner's max_accounts %d at version 2", doc, 100+winner)
	}
	if entries := auditEntries(t, env); len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2 (one per successful write)", len(entries))
	}
}

func TestEveryWriteIsAudited(t *testing.T) {
	env, h := setup(t)
	put(t, h, map[string]any{"clients": map[string]any{"max_accounts": 2}}, `"0"`).Expect(t, 200)
	env.Clock.Advance(1)
	put(t, h, map[string]any{"clients": map[string]any{"max_accounts": 9}}, `"1"`).Expect(t, 200)

	entries := auditEntries(t, env)
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
	if newest.Actor != "dev-admin" || newest.Section != "general" || !newest.At.Equal(env.Clock.Now()) {
		t.Fatalf("who/what/when wrong: %+v", newest)
	}
}

func TestAuthorization(t *testing.T) {
	env, h := setup(t)
	apptest.Do(t, h, apptest.Request{Method: "GET", Path: path}).ExpectProblem(t, 401, "unauthenticated")
	apptest.Do(t, h, apptest.Request{Method: "GET", Path: path, Token: "someone-else"}).ExpectProblem(t, 401, "unauthenticated")
	apptest.Do(t, h, apptest.Request{Method: "PUT", Path: path, Body: "{}"}).ExpectProblem(t, 401, "unauthenticated")

	// Through the Lambda path: API Gateway's JWT authorizer passes claims.
	lambda := app.LambdaHandler(h)
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
	_ = env
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	_, h := setup(t)
	res := apptest.Do(t, h, apptest.Request{Method: "DELETE", Path: path, Token: apptest.AdminToken})
	res.ExpectProblem(t, 405, "method_not_allowed")
	if allow := res.Header.Get("Allow"); allow != "GET, PUT" {
		t.Fatalf("Allow %q", allow)
	}
	apptest.Do(t, h, apptest.Request{Method: "GET", Path: "/admin/config/nope", Token: apptest.AdminToken}).ExpectProblem(t, 404, "not_found")
}

func auditEntries(t *testing.T, env *apptest.Env) []audit.Record {
	t.Helper()
	return env.AuditEntries("general")
}
