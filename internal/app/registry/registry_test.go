package registry_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"

	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/localapi"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/testsupport/apptest"
)

func template(t *testing.T) *samtemplate.Template {
	t.Helper()
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// buildDeps is what a cold start builds functions from, touching no AWS
// service: a DynamoDB client nothing calls, and a valid OTP key.
func buildDeps() *app.Deps {
	cfg := config.Config{TableName: "unused", OTPKey: apptest.OTPKey}
	db := dynamo.NewClient(aws.Config{Region: "us-east-1"}, "http://127.0.0.1:9")
	return app.New(cfg, aws.Config{Region: "us-east-1"}, db, clock.System{})
}

// The routes each function serves are exactly the routes template.yaml
// gives it; an authorizer function serves none and backs one of the HTTP
// API's Lambda authorizers; every function of the template is registered
// under its kind, and has its main.
func TestRoutesEqualTemplate(t *testing.T) {
	tpl := template(t)
	deps := buildDeps()
	ctx := context.Background()
	var inTemplate []string
	for _, fn := range tpl.Functions {
		inTemplate = append(inTemplate, fn.Name)
		if localapi.IsAuthorizerFunction(tpl, fn.Name) {
			if !registry.IsAuthorizer(fn.Name) {
				t.Errorf("template function %s backs a Lambda authorizer but is not registered as an authorizer", fn.LogicalID)
			} else if _, err := registry.Authorizer(ctx, fn.Name, deps); err != nil {
				t.Errorf("authorizer function %s: %v", fn.Name, err)
			}
			if len(fn.Routes) != 0 {
				t.Errorf("authorizer function %s has routes %v", fn.Name, fn.Routes)
			}
			continue
		}
		if registry.IsAuthorizer(fn.Name) {
			t.Errorf("%s is registered as an authorizer, but backs no Lambda authorizer of template.yaml", fn.Name)
			continue
		}
		h, err := registry.Build(ctx, fn.Name, deps)
		if err != nil {
			t.Errorf("template function %s has no handler: %v", fn.LogicalID, err)
			continue
		}
		var want []string
		for _, r := range fn.Routes {
			want = append(want, r.Pattern())
		}
		sort.Strings(want)
		if got := h.Routes(); !slices.Equal(got, want) {
			t.Errorf("%s serves %v\ntemplate.yaml gives it %v", fn.Name, got, want)
		}
	}
	sort.Strings(inTemplate)
	if !slices.Equal(inTemplate, registry.Names()) {
		t.Errorf("functions in template.yaml %v, registered %v", inTemplate, registry.Names())
	}
	for _, name := range registry.Names() {
		if _, err := os.Stat(filepath.Join(tpl.Dir, "functions", name, "main.go")); err != nil {
			t.Errorf("function %s has no functions/%s/main.go", name, name)
		}
	}
}

// API Gateway's JWT authorizer guards every /admin route, and only those;
// /me routes are behind the session authorizer; the services' /tfa routes
// are IAM-authorized (AWS_IAM), and no other route is; every other route
// names its authorizer (NONE for an anonymous one) rather than inherit
// the admins' default.
func TestAdminRoutesAreBehindTheJWTAuthorizer(t *testing.T) {
	tpl := template(t)
	for _, fn := range tpl.Functions {
		for _, r := range fn.Routes {
			auth := tpl.Authorizer(r)
			_, lambda := tpl.LambdaAuthorizers[auth]
			service := strings.HasPrefix(r.Path, "/tfa/")
			switch admin := strings.HasPrefix(r.Path, "/admin/"); {
			case admin && auth != "AdminJwt":
				t.Errorf("%s: admin route has authorizer %q", r.Pattern(), auth)
			case strings.HasPrefix(r.Path, "/me/") || r.Path == "/me":
				if !lambda {
					t.Errorf("%s: client route has authorizer %q, not the session authorizer", r.Pattern(), auth)
				}
			case service != tpl.IAMAuthorized(r):
				t.Errorf("%s: authorizer %q; the services' /tfa routes, and only they, are AWS_IAM", r.Pattern(), auth)
			case service:
			case !admin && (r.Authorizer == "" || auth == "AdminJwt"):
				t.Errorf("%s: non-admin route must say Authorizer: NONE or name a Lambda authorizer, has %q", r.Pattern(), auth)
			case !admin && auth != "NONE" && !lambda:
				t.Errorf("%s: non-admin route has authorizer %q", r.Pattern(), auth)
			}
		}
	}
}

// No route a Lambda authorizer guards can forget its verdict: each one of
// every function answers, without the authorizer's context (as if it
// were never run), 401 unauthenticated, and with a verdict of
// session_expired 401 session_expired, before it touches anything (the
// function's DynamoDB client here reaches no server). Each such route
// must be mounted behind principal.RequireSession. (IAM-authorized
// routes have no session: TestIAMRoutesRequireTheService.)
func TestGuardedRoutesRequireTheSession(t *testing.T) {
	tpl := template(t)
	deps := buildDeps()
	guarded := 0
	for _, fn := range tpl.Functions {
		if localapi.IsAuthorizerFunction(tpl, fn.Name) {
			continue
		}
		h, err := registry.Build(context.Background(), fn.Name, deps)
		if err != nil {
			t.Errorf("template function %s is not registered: %v", fn.LogicalID, err)
			continue
		}
		for _, r := range fn.Routes {
			if _, ok := tpl.LambdaAuthorizerOf(r); !ok {
				continue
			}
			guarded++
			path := pathParam.ReplaceAllString(r.Path, "x")
			cases := map[string]*principal.Session{
				"unauthenticated": nil,
				"session_expired": {Verdict: principal.VerdictExpired, ClientID: "c1", SessionID: "s1", Scope: principal.ScopeFull},
			}
			for code, s := range cases {
				req := httptest.NewRequest(r.Method, path, strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				if s != nil {
					req = req.WithContext(principal.WithSession(req.Context(), *s))
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				var problem map[string]any
				_ = json.Unmarshal(rec.Body.Bytes(), &problem)
				if rec.Code != 401 || rec.Header().Get("Content-Type") != "application/problem+json" || problem["code"] != code {
					t.Errorf("%s (%s) %s: %d %s, want 401 %s", r.Pattern(), fn.Name, code, rec.Code, rec.Body, code)
				}
			}
		}
	}
	if guarded == 0 {
		t.Error("template.yaml guards no route with a Lambda authorizer")
	}
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// No IAM-authorized (AWS_IAM) route trusts that API Gateway checked its
// caller: locally nothing does, and the function serves the same handler.
// Each one of every function answers a request without credentials (no
// Authorization header, no IAM identity) 401 unauthenticated, and one
// with credentials that are no service's (a client session's verdict, the
// admin token, another bearer) 401 or 403, before it touches anything.
// Each such route must be mounted behind principal.Resolver.RequireService.
func TestIAMRoutesRequireTheService(t *testing.T) {
	tpl := template(t)
	deps := buildDeps()
	deps.Config.DevAdminToken = "admin-token"
	deps.Auth.DevAdminToken = "admin-token"
	iam := 0
	for _, fn := range tpl.Functions {
		if localapi.IsAuthorizerFunction(tpl, fn.Name) {
			continue
		}
		var h http.Handler
		for _, r := range fn.Routes {
			if !tpl.IAMAuthorized(r) {
				continue
			}
			if h == nil {
				rt, err := registry.Build(context.Background(), fn.Name, deps)
				if err != nil {
					t.Errorf("template function %s is not registered: %v", fn.LogicalID, err)
					break
				}
				h = rt
			}
			iam++
			path := pathParam.ReplaceAllString(r.Path, "x")
			session := principal.Session{Verdict: principal.VerdictOK, ClientID: "c1", SessionID: "s1", Scope: principal.ScopeFull}
			cases := []struct {
				name, token string
				session     *principal.Session
				statuses    []int
			}{
				{"no credentials", "", nil, []int{401}},
				{"a client session", "", &session, []int{401, 403}},
				{"a client session's bearer", "session-token", &session, []int{401, 403}},
				{"the admin token", "admin-token", nil, []int{401, 403}},
				{"the default dev service token, which deployed functions do not take", "dev-service", nil, []int{401, 403}},
			}
			for _, c := range cases {
				req := httptest.NewRequest(r.Method, path, strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				if c.token != "" {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				if c.session != nil {
					req = req.WithContext(principal.WithSession(req.Context(), *c.session))
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				var problem map[string]any
				_ = json.Unmarshal(rec.Body.Bytes(), &problem)
				ok := slices.Contains(c.statuses, rec.Code) && rec.Header().Get("Content-Type") == "application/problem+json"
				if c.token == "" && c.session == nil {
					ok = ok && problem["code"] == "unauthenticated"
				}
				if !ok {
					t.Errorf("%s (%s) with %s: %d %s, want %v", r.Pattern(), fn.Name, c.name, rec.Code, rec.Body, c.statuses)
				}
			}
		}
	}
	if iam == 0 {
		t.Error("template.yaml has no AWS_IAM route")
	}
}

// Every sample event in events/ goes through its function's real Lambda
// handler and gets the status events/expectations.json names. Events of one
// function run in name order against one fresh table.
func TestSampleEvents(t *testing.T) {
	tpl := template(t)
	root := filepath.Join(tpl.Dir, "events")
	var expected map[string]int
	data, err := os.ReadFile(filepath.Join(root, "expectations.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &expected); err != nil {
		t.Fatalf("events/expectations.json: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.json"))
	if len(files) == 0 {
		t.Fatal("no sample events found")
	}
	byFunction := map[string][]string{}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		if _, ok := expected[rel]; !ok {
			t.Errorf("%s has no expected status in events/expectations.json", rel)
		}
		byFunction[filepath.Base(filepath.Dir(f))] = append(byFunction[filepath.Base(filepath.Dir(f))], rel)
	}
	for rel := range expected {
		if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
			t.Errorf("events/expectations.json names %s, which does not exist", rel)
		}
	}
	for fn, events := range byFunction {
		t.Run(fn, func(t *testing.T) {
			env := apptest.New(t)
			// The events carry the local tools' service token, as make invoke sends them.
			env.Deps.Config.DevServiceToken = config.DefaultDevServiceToken
			env.Deps.Auth.DevServiceToken = config.DefaultDevServiceToken
			sort.Strings(events)
			for _, rel := range events {
				want := expected[rel]
				payload, _ := os.ReadFile(filepath.Join(root, rel))
				// make invoke's path: localapi.Invoke.
				out, err := localapi.Invoke(context.Background(), tpl, env.Functions(), fn, payload)
				if err != nil {
					t.Fatalf("%s: invoke: %v", rel, err)
				}
				if localapi.IsAuthorizerFunction(tpl, fn) {
					if got := guardedStatus(t, rel, out); got != want {
						t.Errorf("%s: a guarded route answers %d after this decision, want %d; decision %s", rel, got, want, out)
					}
					continue
				}
				var res struct {
					StatusCode int    `json:"statusCode"`
					Body       string `json:"body"`
				}
				if err := json.Unmarshal(out, &res); err != nil {
					t.Fatalf("%s: response %s: %v", rel, out, err)
				}
				if res.StatusCode != want {
					t.Errorf("%s: status %d, want %d; body %s", rel, res.StatusCode, want, res.Body)
				}
			}
		})
	}
}

// guardedStatus is the status a route guarded by the authorizer answers
// after its decision out: API Gateway's 403 when it refuses, else what
// principal.RequireSession makes of its verdict (200: the route's handler
// runs). The session authorizer always authorizes, so a refusal fails
// the test too.
func guardedStatus(t *testing.T, rel string, out []byte) int {
	t.Helper()
	var resp events.APIGatewayV2CustomAuthorizerSimpleResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("%s: authorizer response %s: %v", rel, out, err)
	}
	if !resp.IsAuthorized {
		t.Errorf("%s: the session authorizer refused (isAuthorized false); it always authorizes, its verdict in the context", rel)
		return http.StatusForbidden
	}
	rt := httpapi.NewRouter()
	rt.Handle("GET /probe", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteNoContent(w)
		return nil
	}, principal.RequireSession)
	req := httptest.NewRequest(http.MethodGet, "/probe", nil)
	req = req.WithContext(principal.WithSession(req.Context(), principal.SessionFromAuthorizer(resp.Context)))
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, req)
	if rec.Code == http.StatusNoContent {
		return http.StatusOK
	}
	return rec.Code
}

// Every route in template.yaml is described in docs/openapi.yaml.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	tpl := template(t)
	spec, err := samtemplate.LoadOpenAPIPaths(filepath.Join(tpl.Dir, "docs", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range tpl.Functions {
		for _, r := range fn.Routes {
			if !spec[strings.ToLower(r.Method)+" "+r.Path] {
				t.Errorf("docs/openapi.yaml does not describe %s", r.Pattern())
			}
		}
	}
}

// A function that sends one-time passwords refuses to start without a key;
// one that does not, starts.
func TestColdStartNeedsTheOTPKeyWhereCodesAreSent(t *testing.T) {
	ctx := context.Background()
	tpl := template(t)
	deps := buildDeps()
	deps.Config.OTPKey = ""
	for _, fn := range tpl.Functions {
		_, sends := fn.Sandbox.Env["OTP_KEY_SECRET_ARN"]
		var err error
		if registry.IsAuthorizer(fn.Name) {
			_, err = registry.Authorizer(ctx, fn.Name, deps)
		} else {
			_, err = registry.Build(ctx, fn.Name, deps)
		}
		switch {
		case sends && (err == nil || !strings.Contains(err.Error(), "OTP_KEY_SECRET_ARN")):
			t.Errorf("%s, given the key in template.yaml, starts without it: %v", fn.Name, err)
		case !sends && err != nil:
			t.Errorf("%s without a key: %v", fn.Name, err)
		}
	}
	deps.Config.OTPKey = apptest.OTPKey
	if _, err := registry.Build(ctx, "security", deps); err != nil {
		t.Fatalf("security with a key: %v", err)
	}
}

// A function given the OTP key secret in template.yaml reads it at cold
// start from Secrets Manager (here a stand-in answering as it does), as
// that function: its policy must allow the read.
func TestColdStartReadsTheOTPKeySecretItIsGiven(t *testing.T) {
	tpl := template(t)
	given := 0
	for _, fn := range tpl.Functions {
		arn, ok := fn.Sandbox.Env["OTP_KEY_SECRET_ARN"]
		if !ok {
			continue
		}
		given++
		reads := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var in struct{ SecretId string }
			_ = json.NewDecoder(r.Body).Decode(&in)
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || in.SecretId != arn {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","message":"no such secret"}`))
				return
			}
			reads++
			_ = json.NewEncoder(w).Encode(map[string]string{"ARN": arn, "Name": "OtpKeySecret", "SecretString": strings.Repeat("k", 64)})
		}))
		cfg := config.Config{TableName: "unused", Region: "us-east-1", OTPKeySecretARN: arn, SecretsManagerEndpoint: srv.URL}
		awsCfg := apptest.AWS(t, fn.Name, cfg)
		deps := app.New(cfg, awsCfg, dynamo.NewClient(awsCfg, "http://127.0.0.1:9"), clock.System{})
		var err error
		if registry.IsAuthorizer(fn.Name) {
			_, err = registry.Authorizer(context.Background(), fn.Name, deps)
		} else {
			_, err = registry.Build(context.Background(), fn.Name, deps)
		}
		srv.Close()
		if err != nil || reads != 1 {
			t.Errorf("%s: cold start %v, %d reads of its OTP key secret, want 1", fn.Name, err, reads)
		}
	}
	if given == 0 {
		t.Error("no function is given the OTP key secret")
	}
}
