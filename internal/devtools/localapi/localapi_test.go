package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/app"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

const testTemplate = `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        EnableIamAuthorizer: true
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: x, audience: [y]}
          Gate:
            FunctionArn: !GetAtt GateFunction.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
            Identity:
              Headers: [Authorization]
              Context: [routeKey]
              ReauthorizeEvery: 0
  GateFunction:
    Type: AWS::Serverless::Function
    Properties: {}
  ShopFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Open:
          Type: HttpApi
          Properties: {Path: /open, Method: GET, Auth: {Authorizer: NONE}}
        Mine:
          Type: HttpApi
          Properties: {Path: "/mine/{id}", Method: POST, Auth: {Authorizer: Gate}}
        Admin:
          Type: HttpApi
          Properties: {Path: /admin, Method: GET}
        Service:
          Type: HttpApi
          Properties: {Path: /service, Method: POST, Auth: {Authorizer: AWS_IAM}}
`

func loadTemplate(t *testing.T, text string) *samtemplate.Template {
	t.Helper()
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// fakes is Functions: "shop" answers who the session is; "gate" answers
// resp or err and counts its calls.
type fakes struct {
	resp  events.APIGatewayV2CustomAuthorizerSimpleResponse
	err   error
	calls []events.APIGatewayV2CustomAuthorizerV2Request
}

func (f *fakes) Handler(name string) (http.Handler, error) {
	if name != "shop" {
		return nil, errors.New("no such function " + name)
	}
	rt := httpapi.NewRouter()
	rt.Handle("GET /open", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"open": "yes"})
		return nil
	})
	rt.Handle("GET /admin", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{})
		return nil
	})
	rt.Handle("POST /mine/{id}", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"client": principal.From(r.Context()).Subject, "id": r.PathValue("id")})
		return nil
	}, principal.RequireSession)
	// The function's own check of the calling service: a stand-in for
	// principal.RequireService that wants any bearer token.
	rt.Handle("POST /service", func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get("Authorization") == "" {
			return apperr.New(apperr.Unauthenticated, "unauthenticated", "a service's credentials are required")
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"service": "yes"})
		return nil
	})
	return rt, nil
}

func (f *fakes) Authorizer(name string) (app.Authorizer, error) {
	if name != "gate" {
		return nil, errors.New("no such authorizer " + name)
	}
	return func(_ context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		f.calls = append(f.calls, req)
		return f.resp, f.err
	}, nil
}

func okSession() events.APIGatewayV2CustomAuthorizerSimpleResponse {
	s := principal.Session{Verdict: principal.VerdictOK, ClientID: "c9", SessionID: "s9", Scope: principal.ScopeFull}
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: s.AuthorizerContext()}
}

// A guarded route runs the authorizer first; the others do not.
func TestGuardRunsTheAuthorizerOnGuardedRoutesOnly(t *testing.T) {
	tpl := loadTemplate(t, testTemplate)
	f := &fakes{resp: okSession()}
	h, _ := f.Handler("shop")
	g, err := Guard(tpl, "shop", h, f)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, r)
		return rec
	}
	if rec := do("GET", "/open", ""); rec.Code != 200 || len(f.calls) != 0 {
		t.Fatalf("open route: %d %s, %d authorizer calls", rec.Code, rec.Body, len(f.calls))
	}
	if rec := do("POST", "/mine/7", ""); rec.Code != 401 || !strings.Contains(rec.Body.String(), `"Unauthorized"`) || len(f.calls) != 0 {
		t.Fatalf("no token: %d %s, %d authorizer calls", rec.Code, rec.Body, len(f.calls))
	}
	rec := do("POST", "/mine/7", "tok")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"client":"c9"`) || len(f.calls) != 1 {
		t.Fatalf("guarded route: %d %s, %d authorizer calls", rec.Code, rec.Body, len(f.calls))
	}
	if got := f.calls[0]; got.RouteKey != "POST /mine/{id}" || got.PathParameters["id"] != "7" {
		t.Fatalf("authorizer request %+v", got)
	}
	// Another method on a guarded path is the function's own 405.
	if rec := do("GET", "/mine/7", "tok"); rec.Code != 405 || len(f.calls) != 1 {
		t.Fatalf("GET on a POST route: %d %s", rec.Code, rec.Body)
	}
}

func event(t *testing.T, method, path, routeKey, token string, lambdaCtx map[string]any) []byte {
	t.Helper()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: path, Headers: map[string]string{"content-type": "application/json"},
		PathParameters: map[string]string{"id": "7"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", Stage: "$default", RouteKey: routeKey, APIID: "abc",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "203.0.113.10"},
		},
	}
	if token != "" {
		ev.Headers["authorization"] = "Bearer " + token
	}
	if lambdaCtx != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: lambdaCtx}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return payload
}

func response(t *testing.T, out []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	return res
}

// An event of a guarded route goes through the authorizer unless it
// carries the authorizer's context; API Gateway's refusals are its answers.
func TestInvokeAuthorizesEventsAsAPIGatewayDoes(t *testing.T) {
	tpl := loadTemplate(t, testTemplate)
	ctx := context.Background()

	f := &fakes{resp: okSession()}
	out, err := Invoke(ctx, tpl, f, "shop", event(t, "POST", "/mine/7", "POST /mine/{id}", "tok", nil))
	if res := response(t, out); err != nil || res.StatusCode != 200 || !strings.Contains(res.Body, `"client":"c9"`) || len(f.calls) != 1 {
		t.Fatalf("authorized event: %v %+v, %d calls", err, res, len(f.calls))
	}
	got := f.calls[0]
	if got.RequestContext.RequestID != "req-1" || got.RequestContext.APIID != "abc" || got.RequestContext.HTTP.SourceIP != "203.0.113.10" ||
		got.IdentitySource[0] != "Bearer tok" || got.IdentitySource[1] != "POST /mine/{id}" || got.PathParameters["id"] != "7" ||
		got.RouteArn != "arn:aws:execute-api:us-east-1:123456789012:abc/$default/POST/mine/7" {
		t.Fatalf("authorizer request %+v", got)
	}

	// The event says what the authorizer decided: it is not asked again.
	f = &fakes{resp: okSession()}
	carried := principal.Session{Verdict: principal.VerdictExpired}.AuthorizerContext()
	out, err = Invoke(ctx, tpl, f, "shop", event(t, "POST", "/mine/7", "POST /mine/{id}", "tok", carried))
	if res := response(t, out); err != nil || res.StatusCode != 401 || !strings.Contains(res.Body, "session_expired") || len(f.calls) != 0 {
		t.Fatalf("event with a verdict: %v %+v, %d calls", err, res, len(f.calls))
	}

	cases := []struct {
		name   string
		f      *fakes
		token  string
		status int
	}{
		{"no token", &fakes{resp: okSession()}, "", 401},
		{"authorizer error", &fakes{err: errors.New("down")}, "tok", 500},
		{"refused", &fakes{}, "tok", 403},
	}
	for _, c := range cases {
		out, err := Invoke(ctx, tpl, c.f, "shop", event(t, "POST", "/mine/7", "POST /mine/{id}", c.token, nil))
		res := response(t, out)
		if err != nil || res.StatusCode != c.status || res.Body != string(app.GatewayBody(c.status)) {
			t.Errorf("%s: %v %+v", c.name, err, res)
		}
	}

	// Unguarded routes go straight to the function.
	f = &fakes{}
	out, err = Invoke(ctx, tpl, f, "shop", event(t, "GET", "/open", "GET /open", "", nil))
	if res := response(t, out); err != nil || res.StatusCode != 200 || len(f.calls) != 0 {
		t.Fatalf("open route: %v %+v", err, res)
	}
}

// An authorizer function is invoked with its own event and answers it.
func TestInvokeAnAuthorizerFunction(t *testing.T) {
	tpl := loadTemplate(t, testTemplate)
	f := &fakes{resp: okSession()}
	req := events.APIGatewayV2CustomAuthorizerV2Request{Version: "2.0", Type: "REQUEST", RouteKey: "POST /mine/{id}", IdentitySource: []string{"Bearer tok", "POST /mine/{id}"}}
	payload, _ := json.Marshal(req)
	out, err := Invoke(context.Background(), tpl, f, "gate", payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.APIGatewayV2CustomAuthorizerSimpleResponse
	if err := json.Unmarshal(out, &resp); err != nil || !resp.IsAuthorized || resp.Context["client_id"] != "c9" || len(f.calls) != 1 || f.calls[0].RouteKey != "POST /mine/{id}" {
		t.Fatalf("%s %v, calls %+v", out, err, f.calls)
	}
}

// The local tools refuse an authorizer they would not run as API Gateway
// does, rather than run it differently.
func TestUnsupportedAuthorizersAreRefused(t *testing.T) {
	tpl := loadTemplate(t, strings.Replace(testTemplate, "Context: [routeKey]", "Context: [requestId]", 1))
	f := &fakes{resp: okSession()}
	h, _ := f.Handler("shop")
	if _, err := Guard(tpl, "shop", h, f); err == nil || !strings.Contains(err.Error(), "identity sources") {
		t.Fatalf("Guard: %v", err)
	}
}

// Every Lambda authorizer of template.yaml is one the local tools run as
// API Gateway does, and backs a function that serves no route itself.
func TestTheTemplatesAuthorizersAreSupported(t *testing.T) {
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.LambdaAuthorizers) == 0 {
		t.Fatal("template.yaml has no Lambda authorizer")
	}
	for _, a := range tpl.LambdaAuthorizers {
		if err := Supported(a); err != nil {
			t.Error(err)
		}
		if f, _ := tpl.Function(a.Function); len(f.Routes) != 0 {
			t.Errorf("authorizer function %s serves routes %v", f.Name, f.Routes)
		}
	}
}

// An IAM-authorized route has no function in front of it: the dev server
// and the invoker hand its requests to the handler as they are, and the
// handler's own check answers one without credentials (401 problem+json,
// not API Gateway's bare answer). No authorizer runs.
func TestIAMRoutesReachTheHandlerAsTheyAre(t *testing.T) {
	tpl := loadTemplate(t, testTemplate)
	route := samtemplate.Route{Method: "POST", Path: "/service", Authorizer: "AWS_IAM"}
	if !tpl.IAMAuthorized(route) {
		t.Fatal("POST /service is not IAM-authorized")
	}
	if _, guarded := tpl.LambdaAuthorizerOf(route); guarded {
		t.Fatal("POST /service guarded by a Lambda authorizer")
	}
	f := &fakes{resp: okSession()}
	h, _ := f.Handler("shop")
	g, err := Guard(tpl, "shop", h, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{"", "dev-service"} {
		r := httptest.NewRequest("POST", "/service", strings.NewReader("{}"))
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, r)
		want := 200
		if token == "" {
			want = 401
		}
		if rec.Code != want || len(f.calls) != 0 {
			t.Fatalf("Guard, token %q: %d %s, %d authorizer calls", token, rec.Code, rec.Body, len(f.calls))
		}
		if token == "" && (rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.Body.String(), `"unauthenticated"`)) {
			t.Fatalf("Guard without credentials: %s %s", rec.Header(), rec.Body)
		}

		out, err := Invoke(context.Background(), tpl, f, "shop", event(t, "POST", "/service", "POST /service", token, nil))
		res := response(t, out)
		if err != nil || res.StatusCode != want || len(f.calls) != 0 {
			t.Fatalf("Invoke, token %q: %v %+v, %d authorizer calls", token, err, res, len(f.calls))
		}
		if token == "" && !strings.Contains(res.Body, `"unauthenticated"`) {
			t.Fatalf("Invoke without credentials: %+v", res)
		}
	}
}
