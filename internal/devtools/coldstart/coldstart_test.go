package main

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"clientarea/internal/devtools/localapi"
	"clientarea/internal/devtools/samtemplate"
)

func TestSplitFlagsAsTheShellDoes(t *testing.T) {
	got, err := splitFlags(`-tags lambda.norpc -trimpath -ldflags="-s -w -buildid=" -gcflags=net/...=-l`)
	want := []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w -buildid=", "-gcflags=net/...=-l"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%q, %v", got, err)
	}
	if got, _ := splitFlags(` -a  'b c'"d" `); !slices.Equal(got, []string{"-a", "b cd"}) {
		t.Fatalf("%q", got)
	}
	if _, err := splitFlags(`-ldflags="-s`); err == nil {
		t.Fatal("an unbalanced quote was accepted")
	}
}

// defaultBuildFlags is what the Makefile's GO_LAMBDA_FLAGS expands to, so
// that a run outside make measures the binaries make builds.
func TestDefaultBuildFlagsAreTheMakefiles(t *testing.T) {
	out, err := exec.Command("make", "-s", "-C", "../../..", "--eval=flags: ; @$(info $(GO_LAMBDA_FLAGS)):", "flags").Output()
	if err != nil {
		t.Fatalf("make: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != defaultBuildFlags {
		t.Fatalf("the Makefile builds with\n%s\nthe tool's default is\n%s", got, defaultBuildFlags)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	if p := percentile(xs, 50); p != 3 {
		t.Fatalf("p50 %v", p)
	}
	if p := percentile(xs, 90); p != 5 {
		t.Fatalf("p90 %v", p)
	}
	if p := percentile(nil, 50); p != 0 {
		t.Fatalf("empty %v", p)
	}
}

// The functions get the template's environment, with local stand-ins for
// what CloudFormation would fill in.
func TestFunctionConfigsFromTheTemplate(t *testing.T) {
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	configs, err := functionConfigs(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) != len(tpl.Functions) {
		t.Fatalf("%d configs for %d functions", len(configs), len(tpl.Functions))
	}
	for name, c := range configs {
		if v, _ := lookupVar(c.env, "TABLE_NAME"); v != tableName {
			t.Errorf("%s: TABLE_NAME %q", name, v)
		}
		if v, _ := lookupVar(c.env, "ADMIN_CLAIM_NAME"); v == "" || strings.Contains(v, "AdminClaim") {
			t.Errorf("%s: ADMIN_CLAIM_NAME %q is not the parameter's default", name, v)
		}
		if c.memoryMB <= 0 || c.timeoutS <= 0 || c.logFormat == "" || c.logLevel == "" {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if c, ok := configs["security"]; ok {
		if arn, _ := lookupVar(c.env, "OTP_KEY_SECRET_ARN"); !strings.HasPrefix(arn, "arn:aws:secretsmanager:") {
			t.Errorf("security: OTP_KEY_SECRET_ARN %q", arn)
		}
	}
}

// Every function has an event the benchmark can feed it: an authorizer
// request for an authorizer function, a made event, or a GET of events/
// expected to succeed.
func TestEveryFunctionHasASampleEvent(t *testing.T) {
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	names, err := functionNames(tpl.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if localapi.IsAuthorizerFunction(tpl, n) {
			route, ok := guardedRoute(tpl, n)
			if !ok {
				t.Errorf("%s guards no route", n)
				continue
			}
			ev, err := authorizerEvent(route, "tok")
			if err != nil || ev.check == nil || !strings.Contains(string(ev.body), `"identitySource":["Bearer tok","`+route+`"]`) {
				t.Errorf("%s: %v %s", n, err, ev.body)
			}
			continue
		}
		if made, ok := madeEvents[n]; ok {
			if ev := made(); method(ev.body) == "" || ev.want == 0 {
				t.Errorf("%s: made event %s %s", n, ev.path, ev.body)
			}
			continue
		}
		ev, err := pickEvent(tpl.Dir, n)
		if err != nil {
			t.Error(err)
			continue
		}
		if method(ev.body) != "GET" || ev.want < 200 || ev.want > 299 {
			t.Errorf("%s: %s, want %d", n, ev.path, ev.want)
		}
	}
}

// The authorizer's row passes only when the session is admitted.
func TestSessionAdmitted(t *testing.T) {
	ok := `{"isAuthorized":true,"context":{"verdict":"ok","client_id":"c","session_id":"s","scope":"full"}}`
	if err := sessionAdmitted([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"isAuthorized":true,"context":{"verdict":"unauthenticated"}}`,
		`{"isAuthorized":false,"context":{"verdict":"ok","client_id":"c","session_id":"s","scope":"full"}}`,
		`{"statusCode":200}`, `not json`,
	} {
		if err := sessionAdmitted([]byte(bad)); err == nil {
			t.Errorf("%s passed", bad)
		}
	}
}

// Verifications chain: the first failure stops.
func TestThen(t *testing.T) {
	var ran []string
	step := func(name string, err error) func() error {
		return func() error { ran = append(ran, name); return err }
	}
	if err := then(nil, step("b", nil))(); err != nil || strings.Join(ran, ",") != "b" {
		t.Fatalf("%v %v", err, ran)
	}
	ran = nil
	if err := then(step("a", errors.New("x")), step("b", nil))(); err == nil || strings.Join(ran, ",") != "a" {
		t.Fatalf("%v %v", err, ran)
	}
	ran = nil
	if err := then(step("a", nil), nil)(); err != nil || strings.Join(ran, ",") != "a" {
		t.Fatalf("%v %v", err, ran)
	}
}

func TestCheckStatus(t *testing.T) {
	if err := checkStatus([]byte(`{"statusCode":200,"body":"{}"}`), 200); err != nil {
		t.Fatal(err)
	}
	if err := checkStatus([]byte(`{"statusCode":500,"body":"boom"}`), 200); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a 500 passed: %v", err)
	}
	if err := checkStatus([]byte(`not json`), 200); err == nil {
		t.Fatal("a non-JSON answer passed")
	}
}

func TestSandboxEnvHasWhatLambdaSets(t *testing.T) {
	env := sandboxEnv("general", "127.0.0.1:9001", "/task", fnConfig{memoryMB: 256, timeoutS: 10, logFormat: "JSON", logLevel: "INFO"})
	for _, k := range []string{"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
		"AWS_LAMBDA_FUNCTION_VERSION", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "_HANDLER", "AWS_LAMBDA_LOG_FORMAT", "LAMBDA_TASK_ROOT"} {
		if v, ok := lookupVar(env, k); !ok || v == "" {
			t.Errorf("%s missing", k)
		}
	}
	if v, _ := lookupVar(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"); v != "256" {
		t.Errorf("memory %q", v)
	}
}
