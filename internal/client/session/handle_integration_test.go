package session_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/app"
	"clientarea/internal/client/session"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
	"clientarea/internal/testsupport/logtest"
)

// authorizerRequest is what API Gateway sends the authorizer (payload 2.0).
func authorizerRequest(routeKey string, headers map[string]string) events.APIGatewayV2CustomAuthorizerV2Request {
	method, path, _ := strings.Cut(routeKey, " ")
	return events.APIGatewayV2CustomAuthorizerV2Request{
		Version: "2.0", Type: "REQUEST", RouteKey: routeKey, RawPath: path, Headers: headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", RouteKey: routeKey,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "203.0.113.9"},
		},
	}
}

func TestHandle(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	setup := h.login("c-2", principal.ScopeTFASetup)
	handle, err := session.Function(ctx, &app.Deps{Table: h.table, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		route   string
		headers map[string]string
		want    principal.Session
	}{
		{"lower-case header", route, map[string]string{"authorization": "Bearer " + tok.Token},
			principal.Session{Verdict: principal.VerdictOK, ClientID: "c-1", SessionID: tok.SessionID, Scope: principal.ScopeFull}},
		{"any case", route, map[string]string{"AUTHORIZATION": "bEaReR " + tok.Token},
			principal.Session{Verdict: principal.VerdictOK, ClientID: "c-1", SessionID: tok.SessionID, Scope: principal.ScopeFull}},
		{"no header", route, nil, principal.Session{Verdict: principal.VerdictUnauthenticated}},
		{"another scheme", route, map[string]string{"authorization": "Basic " + tok.Token}, principal.Session{Verdict: principal.VerdictUnauthenticated}},
		{"scheme only", route, map[string]string{"authorization": "Bearer"}, principal.Session{Verdict: principal.VerdictUnauthenticated}},
		{"no scheme", route, map[string]string{"authorization": tok.Token}, principal.Session{Verdict: principal.VerdictUnauthenticated}},
		{"garbage", route, map[string]string{"authorization": "Bearer \x00\xff"}, principal.Session{Verdict: principal.VerdictUnauthenticated}},
		{"setup scope", route, map[string]string{"authorization": "Bearer " + setup.Token},
			principal.Session{Verdict: principal.VerdictForbidden, ClientID: "c-2", SessionID: setup.SessionID, Scope: principal.ScopeTFASetup}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := handle(ctx, authorizerRequest(c.route, c.headers))
			if err != nil || !res.IsAuthorized {
				t.Fatalf("Handle = %+v, %v; want authorized, no error", res, err)
			}
			// Through JSON, as API Gateway hands the context on.
			var back struct {
				Context map[string]any `json:"context"`
			}
			raw, _ := json.Marshal(res)
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			if got := principal.SessionFromAuthorizer(back.Context); got != c.want {
				t.Fatalf("verdict %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestHandleLogsOneLinePerDecisionWithoutTokens(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	a := session.Authorizer{Table: h.table, Clock: h.clock}
	requests := []struct {
		header string
		level  string
	}{
		{"Bearer " + tok.Token, "INFO"},
		{"Bearer " + tok.RefreshToken, "WARN"},
		{"Bearer nonsense", "WARN"},
	}
	lines := logtest.Capture(t, func() {
		for _, r := range requests {
			if _, err := a.Handle(ctx, authorizerRequest(route, map[string]string{"authorization": r.header})); err != nil {
				t.Fatal(err)
			}
		}
	})
	if len(lines) != len(requests) {
		t.Fatalf("%d log lines for %d decisions: %v", len(lines), len(requests), lines)
	}
	for i, l := range lines {
		if l["level"] != requests[i].level || l["route"] != route || l["request_id"] != "req-1" || l["session_id"] == nil {
			t.Errorf("line %d: %v", i, l)
		}
	}
	if lines[0]["verdict"] != "ok" || lines[0]["session_id"] != tok.SessionID || lines[1]["verdict"] != "unauthenticated" {
		t.Errorf("lines %v", lines)
	}
	expectNoSecrets(t, lines, tok)
}

func TestHandleWhenTheTableIsUnreadable(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	broken := session.Authorizer{Table: dynamo.Table{DB: h.db, Name: h.table.Name + "-missing"}, Clock: h.clock}
	var res events.APIGatewayV2CustomAuthorizerSimpleResponse
	lines := logtest.Capture(t, func() {
		var err error
		res, err = broken.Handle(ctx, authorizerRequest(route, map[string]string{"authorization": "Bearer " + tok.Token}))
		if err != nil {
			t.Fatal(err)
		}
	})
	if !res.IsAuthorized || principal.SessionFromAuthorizer(res.Context).Verdict != principal.VerdictUnavailable {
		t.Fatalf("Handle = %+v", res)
	}
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || lines[0]["error"] == nil {
		t.Fatalf("lines %v", lines)
	}
	expectNoSecrets(t, lines, tok)

	// Decide alone logs the cause too.
	lines = logtest.Capture(t, func() {
		if got := broken.Decide(ctx, tok.Token, route); got.Verdict != principal.VerdictUnavailable {
			t.Fatalf("Decide = %+v", got)
		}
	})
	if len(lines) != 1 || lines[0]["level"] != slog.LevelError.String() {
		t.Fatalf("lines %v", lines)
	}
}

// A caller that went away (API Gateway's timeout, a client that hung up)
// cancels the read: the decision is still "unavailable", but it is logged
// as the cancellation it is, at INFO, not as a failure of the service.
func TestHandleOfACancelledRequestIsNoError(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	a := session.Authorizer{Table: h.table, Clock: h.clock}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var res events.APIGatewayV2CustomAuthorizerSimpleResponse
	lines := logtest.Capture(t, func() {
		var err error
		res, err = a.Handle(cancelled, authorizerRequest(route, map[string]string{"authorization": "Bearer " + tok.Token}))
		if err != nil {
			t.Fatal(err)
		}
	})
	if principal.SessionFromAuthorizer(res.Context).Verdict != principal.VerdictUnavailable {
		t.Fatalf("Handle = %+v", res)
	}
	if len(lines) != 1 || lines[0]["level"] != slog.LevelInfo.String() {
		t.Fatalf("lines %v", lines)
	}
}

// expectNoSecrets fails if any log line holds a token or a secret.
func expectNoSecrets(t *testing.T, lines []logtest.Line, tok session.Tokens) {
	t.Helper()
	raw, _ := json.Marshal(lines)
	for _, secret := range secretsOf(tok) {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("a log line holds a secret: %s", raw)
		}
	}
}

// secretsOf returns the secret parts of a token pair, as sent and as the
// hex of their bytes.
func secretsOf(tok session.Tokens) []string {
	var out []string
	for _, token := range []string{tok.Token, tok.RefreshToken} {
		_, secret, _ := strings.Cut(token, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(secret)
		out = append(out, secret, hex.EncodeToString(raw))
	}
	return out
}

func TestItemsHoldNoSecrets(t *testing.T) {
	h := setup(t)
	first := h.login("c-1", principal.ScopeFull)
	second, err := h.store.Refresh(ctx, first.RefreshToken, h.limits())
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(h.table.Name)})
	if err != nil {
		t.Fatal(err)
	}
	sessions := 0
	for _, item := range out.Items {
		if str(item, "type") == dynamo.TypeSession {
			sessions++
		}
		for _, tok := range []session.Tokens{first, second} {
			for _, secret := range secretsOf(tok) {
				if where := find(item, secret); where != "" {
					t.Fatalf("item %s holds a secret in %s", str(item, "PK"), where)
				}
			}
		}
	}
	if sessions != 1 {
		t.Fatalf("%d session items scanned", sessions)
	}
}

// find returns the attribute path under which s occurs in item, or "".
func find(item map[string]types.AttributeValue, s string) string {
	for name, av := range item {
		if p := findIn(av, s); p != "" {
			return name + p
		}
	}
	return ""
}

func findIn(av types.AttributeValue, s string) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		if strings.Contains(v.Value, s) {
			return "="
		}
	case *types.AttributeValueMemberB:
		if strings.Contains(string(v.Value), s) {
			return "="
		}
	case *types.AttributeValueMemberSS:
		for _, e := range v.Value {
			if strings.Contains(e, s) {
				return "[]"
			}
		}
	case *types.AttributeValueMemberL:
		for _, e := range v.Value {
			if p := findIn(e, s); p != "" {
				return "[]" + p
			}
		}
	case *types.AttributeValueMemberM:
		if p := find(v.Value, s); p != "" {
			return "." + p
		}
	}
	return ""
}
