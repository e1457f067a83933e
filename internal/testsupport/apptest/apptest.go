// Package apptest runs functions' real handlers against a fresh DynamoDB
// Local table with a fake clock, and makes HTTP requests to them.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/localapi"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/logging"
	"clientarea/internal/testsupport/dbtest"
)

// AdminToken is the dev admin bearer token of test environments.
const AdminToken = "test-admin-token"

// ServiceToken is the dev service bearer token of test environments: what
// stands in for an internal service's IAM credentials.
const ServiceToken = "test-service"

// OTPKey is the one-time-password key of test environments.
const OTPKey = "test-otp-key-0123456789abcdef0123456789"

// Start is where every test's fake clock starts: on the hour, and in the
// future, because DynamoDB Local deletes items whose ttl has passed in real
// time, which would make expiring items (codes, rate limits) vanish mid-test.
var Start = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

// Env is one test's service: its table, clock and dependencies.
type Env struct {
	t     testing.TB
	Deps  *app.Deps
	Clock *clock.Fake
	iam   *iamLog
}

// New creates the environment of a handler test on a fresh table. The
// handlers it builds (Handler) make their function's calls; its own Deps
// are the test's, for set-up and inspection, and no function's.
func New(t testing.TB) *Env {
	t.Helper()
	return NewFor(t, "")
}

// NewFor creates the environment of a test that runs function fn's code
// straight from Deps (the OTP engine, the rate limiter...): every AWS call
// made through Deps is fn's, checked against fn's policies.
func NewFor(t testing.TB, fn string) *Env {
	t.Helper()
	// Request logs would drown the test output; warnings and errors still show.
	slog.SetDefault(logging.New(os.Stderr, slog.LevelWarn))
	if _, ok := mustTemplate(t).Function(fn); fn != "" && !ok {
		t.Fatalf("no function %q in template.yaml", fn)
	}
	table := dbtest.Table(t)
	clk := clock.NewFake(Start)
	cfg := config.Config{
		TableName:       table.Name,
		Region:          "us-east-1",
		AdminClaimName:  "cognito:groups",
		AdminClaimValue: "client-area-admin",
		DevAdminToken:   AdminToken,
		DevServiceToken: ServiceToken,
		OTPKey:          OTPKey,
	}
	cfg.DynamoDBEndpoint = os.Getenv("DYNAMODB_ENDPOINT") // set, or dbtest.Table skipped the test
	awsCfg, err := awsclients.Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := newIAMLog(t)
	awsCfg = log.recordAs(awsCfg, fn)
	deps := app.New(cfg, awsCfg, dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), clk)
	return &Env{t: t, Deps: deps, Clock: clk, iam: log}
}

// Handler builds the named function's handler as the HTTP API serves it:
// each route template.yaml guards with a Lambda authorizer runs that
// authorizer's real function first (app.Authorize, through
// localapi.Guard), as in AWS, so that a handler test goes the deployed
// way. Each function is built from a copy of Deps (with the test's changes
// to it so far) whose AWS calls are that function's: the handler's its
// own, the authorizer's the authorizer function's.
func (e *Env) Handler(name string) http.Handler {
	e.t.Helper()
	h, err := localapi.Guard(mustTemplate(e.t), name, e.Function(name), e.Functions())
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// Function builds the named function's handler as Lambda runs it, with
// nothing of API Gateway in front: what an event reaches once API Gateway
// (or localapi.Invoke) has authorized it.
func (e *Env) Function(name string) http.Handler {
	e.t.Helper()
	h, err := e.Functions().Handler(name)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// Authorizer builds the named authorizer function (the session
// authorizer: "authorizer"), its AWS calls that function's.
func (e *Env) Authorizer(name string) app.Authorizer {
	e.t.Helper()
	a, err := e.Functions().Authorizer(name)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// Functions builds the environment's functions by name for localapi
// (Guard, Invoke), each from its own copy of Deps as Handler does.
func (e *Env) Functions() localapi.Functions { return envFunctions{e} }

type envFunctions struct{ e *Env }

// deps is a copy of the environment's Deps whose AWS calls are fn's.
func (f envFunctions) deps(fn string) *app.Deps {
	deps := *f.e.Deps
	deps.AWS = f.e.iam.recordAs(deps.AWS, fn)
	deps.Table.DB = dynamo.NewClient(deps.AWS, deps.Config.DynamoDBEndpoint)
	return &deps
}

func (f envFunctions) Handler(name string) (http.Handler, error) {
	return registry.Build(context.Background(), name, f.deps(name))
}

func (f envFunctions) Authorizer(name string) (app.Authorizer, error) {
	return registry.Authorizer(context.Background(), name, f.deps(name))
}

// Request describes one HTTP request.
type Request struct {
	Method  string
	Path    string
	Body    any    // marshalled to JSON unless it is a string or []byte
	Token   string // bearer token; "" sends none
	Headers map[string]string
	// Context, when set, is the request's context: a deadline there is
	// the one a Lambda invocation gives its handler.
	Context context.Context
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends r to h.
func Do(t testing.TB, h http.Handler, r Request) *Response {
	t.Helper()
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal request body: %v", err)
		}
		body = bytes.NewReader(data)
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if r.Context != nil {
		req = req.WithContext(r.Context)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// Decode unmarshals the body into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode response %d %s: %v", r.Status, r.Body, err)
	}
}

// Map returns the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

// Expect fails t unless the status is want.
func (r *Response) Expect(t testing.TB, want int) *Response {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body: %s", r.Status, want, r.Body)
	}
	return r
}

// ExpectProblem fails t unless the answer is problem+json with status and code.
func (r *Response) ExpectProblem(t testing.TB, status int, code string) map[string]any {
	t.Helper()
	r.Expect(t, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	m := r.Map(t)
	if m["code"] != code {
		t.Fatalf("problem code %v, want %s; body %s", m["code"], code, r.Body)
	}
	return m
}

// FieldErrors returns the field names of a validation problem's errors.
func FieldErrors(t testing.TB, problem map[string]any) []string {
	t.Helper()
	list, _ := problem["errors"].([]any)
	var fields []string
	for _, e := range list {
		fields = append(fields, e.(map[string]any)["field"].(string))
	}
	return fields
}

// Admin is a request with the admin token; ifMatch, unless empty, is sent
// as the If-Match header.
func Admin(method, path string, body any, ifMatch string) Request {
	r := Request{Method: method, Path: path, Body: body, Token: AdminToken}
	if ifMatch != "" {
		r.Headers = map[string]string{"If-Match": ifMatch}
	}
	return r
}
