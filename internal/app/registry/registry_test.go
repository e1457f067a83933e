package registry_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
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

// The routes each function serves are exactly the routes template.yaml gives it.
func TestRoutesEqualTemplate(t *testing.T) {
	tpl := template(t)
	// Building a handler touches no AWS service; the OTP key only has to be valid.
	deps := app.New(config.Config{TableName: "unused", OTPKey: apptest.OTPKey}, aws.Config{}, nil, clock.System{})
	var inTemplate []string
	for _, fn := range tpl.Functions {
		inTemplate = append(inTemplate, fn.Name)
		h, err := registry.Build(context.Background(), fn.Name, deps)
		if err != nil {
			t.Fatalf("template function %s has no handler: %v", fn.LogicalID, err)
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

// API Gateway's JWT authorizer guards every /admin route, and only those.
func TestAdminRoutesAreBehindTheJWTAuthorizer(t *testing.T) {
	tpl := template(t)
	for _, fn := range tpl.Functions {
		for _, r := range fn.Routes {
			auth := r.Authorizer
			if auth == "" {
				auth = tpl.DefaultAuthorizer
			}
			admin := strings.HasPrefix(r.Path, "/admin/")
			if admin && auth != "AdminJwt" {
				t.Errorf("%s: admin route has authorizer %q", r.Pattern(), auth)
			}
			if !admin && auth != "NONE" && !strings.HasPrefix(r.Path, "/tfa/") {
				t.Errorf("%s: non-admin route must say Authorizer: NONE, has %q", r.Pattern(), auth)
			}
		}
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
			invoke := lambda.NewHandler(app.LambdaHandler(env.Handler(fn))).Invoke
			sort.Strings(events)
			for _, rel := range events {
				want := expected[rel]
				payload, _ := os.ReadFile(filepath.Join(root, rel))
				out, err := invoke(context.Background(), payload)
				if err != nil {
					t.Fatalf("%s: invoke: %v", rel, err)
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
	deps := app.New(config.Config{TableName: "unused"}, aws.Config{}, nil, clock.System{})
	if _, err := registry.Build(ctx, "security", deps); err == nil || !strings.Contains(err.Error(), "OTP_KEY_SECRET_ARN") {
		t.Fatalf("security without a key: %v", err)
	}
	if _, err := registry.Build(ctx, "general", deps); err != nil {
		t.Fatalf("general without a key: %v", err)
	}
	deps.Config.OTPKey = apptest.OTPKey
	if _, err := registry.Build(ctx, "security", deps); err != nil {
		t.Fatalf("security with a key: %v", err)
	}
}
