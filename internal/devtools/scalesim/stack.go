package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/localapi"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/logging"
	"clientarea/internal/testsupport/callcount"
)

// stack is the whole API in this process, as the dev server runs it
// (every function's real handler behind its Lambda authorizer where
// template.yaml says so), on a table of its own in DynamoDB Local, with
// every AWS call recorded with the capacity DynamoDB charged for it.
type stack struct {
	tpl   *samtemplate.Template
	deps  *app.Deps
	db    *dynamodb.Client // the table's own client, for set-up and the Scan: not recorded
	rec   *callcount.Recorder
	api   *http.ServeMux
	clock *clock.Fake
}

// Tokens of the stack: an admin's, an internal service's.
const (
	adminToken   = "scalesim-admin"
	serviceToken = "scalesim-service"
)

// start is where the stack's clock starts: far ahead, as in the tests,
// so that DynamoDB Local's TTL never deletes an item meanwhile.
var start = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

// newStack creates the table and the functions; close drops the table.
func newStack(ctx context.Context, endpoint string) (s *stack, close func(), err error) {
	slog.SetDefault(logging.New(io.Discard, slog.LevelError))
	tpl, err := samtemplate.Find()
	if err != nil {
		return nil, nil, err
	}
	name := "scalesim-" + random(6)
	cfg := config.Config{
		TableName: name, Region: "us-east-1", DynamoDBEndpoint: endpoint,
		AdminClaimName: "cognito:groups", AdminClaimValue: "client-area-admin",
		DevAdminToken: adminToken, DevServiceToken: serviceToken, OTPKey: random(32),
	}
	awsCfg, err := awsclients.Load(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	db := dynamo.NewClient(awsCfg, endpoint)
	if err := dynamolocal.CreateTable(ctx, db, name, tpl.Table); err != nil {
		return nil, nil, fmt.Errorf("create the table: %w", err)
	}
	close = func() { _ = dynamolocal.DeleteTable(context.Background(), db, name) }
	clk := clock.NewFake(start)
	s = &stack{tpl: tpl, deps: app.New(cfg, awsCfg, db, clk), db: db, rec: callcount.New(true), api: http.NewServeMux(), clock: clk}
	fns := functions{ctx: ctx, s: s}
	for _, f := range tpl.Functions {
		if len(f.Routes) == 0 {
			continue
		}
		h, err := fns.Handler(f.Name)
		if err == nil {
			h, err = localapi.Guard(tpl, f.Name, h, fns)
		}
		if err != nil {
			close()
			return nil, nil, fmt.Errorf("function %s: %w", f.Name, err)
		}
		for _, r := range f.Routes {
			s.api.Handle(r.Pattern(), h)
		}
	}
	return s, close, nil
}

// functions builds each function from its own copy of the stack's Deps,
// whose AWS calls the recorder records as that function's.
type functions struct {
	ctx context.Context
	s   *stack
}

func (f functions) deps(name string) *app.Deps {
	d := *f.s.deps
	d.AWS = f.s.rec.Instrument(d.AWS, name)
	d.Table.DB = dynamo.NewClient(d.AWS, d.Config.DynamoDBEndpoint)
	return &d
}

func (f functions) Handler(name string) (http.Handler, error) {
	return registry.Build(f.ctx, name, f.deps(name))
}

func (f functions) Authorizer(name string) (app.Authorizer, error) {
	return registry.Authorizer(f.ctx, name, f.deps(name))
}

// answer is one request's answer and the AWS calls it cost.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	calls  []callcount.Call
}

// do sends one request (token: a bearer token, "" for none; ifMatch: ""
// for none) and moves the clock on by a second.
func (s *stack) do(method, path string, body any, token, ifMatch string) (answer, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	s.rec.Take()
	rec := httptest.NewRecorder()
	s.api.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), calls: s.rec.Take()}
	s.clock.Advance(time.Second)
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
			return a, fmt.Errorf("%s %s: answer %d: %s", method, path, rec.Code, rec.Body)
		}
	}
	return a, nil
}

// must sends a request that must answer want.
func (s *stack) must(want int, method, path string, body any, token, ifMatch string) (answer, error) {
	a, err := s.do(method, path, body, token, ifMatch)
	if err == nil && a.status != want {
		err = fmt.Errorf("%s %s: answered %d, want %d: %v", method, path, a.status, want, a.body)
	}
	return a, err
}

// configure saves a section (function fn serves it) whatever its version.
func (s *stack) configure(fn, section string, body any) error {
	path := "/admin/config/" + section
	a, err := s.must(200, http.MethodGet, path, nil, adminToken, "")
	if err != nil {
		return err
	}
	_, err = s.must(200, http.MethodPut, path, body, adminToken, a.header.Get("ETag"))
	return err
}

// items returns every item of the table whose partition key starts with
// prefix (a Scan: set-up and measurement only).
func (s *stack) items(ctx context.Context, prefix string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: aws.String(s.deps.Table.Name), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			if strings.HasPrefix(dynamo.KeyOf(it).PK, prefix) {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
