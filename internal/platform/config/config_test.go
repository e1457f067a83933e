package config

import (
	"strings"
	"testing"
	"time"
)

func lookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestFromLookup(t *testing.T) {
	if _, err := FromLookup(lookup(nil)); err == nil {
		t.Fatal("TABLE_NAME is required")
	}
	c, err := FromLookup(lookup(map[string]string{"TABLE_NAME": "t", "DYNAMODB_ENDPOINT": "http://127.0.0.1:8000", "AWS_LAMBDA_LOG_LEVEL": "debug"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "us-east-1" || c.DynamoDBEndpoint != "http://127.0.0.1:8000" || c.AdminClaimName != "cognito:groups" || c.DevAdminToken != "" {
		t.Fatalf("%+v", c)
	}
	if c.LogLevel.String() != "DEBUG" {
		t.Fatalf("log level %v", c.LogLevel)
	}
}

func TestMachineTranslationIsOnOnlyWhenConfigured(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"TRANSLATE_ENABLED": "false"}, false},
		{map[string]string{"TRANSLATE_ENABLED": "TRUE"}, true},
		{map[string]string{"TRANSLATE_ENDPOINT": "http://127.0.0.1:9"}, true},
	}
	for _, c := range cases {
		c.env["TABLE_NAME"] = "t"
		cfg, err := FromLookup(lookup(c.env))
		if err != nil || cfg.TranslateEnabled != c.want {
			t.Errorf("%v: TranslateEnabled %v (%v), want %v", c.env, cfg.TranslateEnabled, err, c.want)
		}
	}
}

// Inside Lambda (AWS_LAMBDA_FUNCTION_NAME set) a dev admin token is never
// honoured: the configuration is refused, and the token is dropped.
func TestDevAdminTokenIsRefusedInLambda(t *testing.T) {
	cases := []struct {
		name      string
		env       map[string]string
		fails     bool
		wantToken string
	}{
		{name: "local tools", env: map[string]string{"CLIENTAREA_DEV_ADMIN_TOKEN": "dev-admin"}, wantToken: "dev-admin"},
		{name: "Lambda without a token", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "clientarea-general"}},
		{name: "Lambda with a token", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "clientarea-general", "CLIENTAREA_DEV_ADMIN_TOKEN": "dev-admin"}, fails: true},
		{name: "Lambda with a blank token", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "clientarea-general", "CLIENTAREA_DEV_ADMIN_TOKEN": "  "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.env["TABLE_NAME"] = "t"
			cfg, err := FromLookup(lookup(c.env))
			if (err != nil) != c.fails {
				t.Fatalf("error %v, want failure %v", err, c.fails)
			}
			if c.fails && !strings.Contains(err.Error(), "CLIENTAREA_DEV_ADMIN_TOKEN") {
				t.Fatalf("the error %q does not name the setting", err)
			}
			if cfg.DevAdminToken != c.wantToken {
				t.Fatalf("dev token %q, want %q", cfg.DevAdminToken, c.wantToken)
			}
		})
	}
}

// The dev service token, which stands in for IAM locally, is refused
// inside Lambda exactly as the dev admin token is, and dropped with it.
func TestDevServiceTokenIsRefusedInLambda(t *testing.T) {
	const fn = "clientarea-me"
	cases := []struct {
		name      string
		env       map[string]string
		wantError []string // what the error names; nil: no error
		wantToken string
	}{
		{name: "local tools", env: map[string]string{"CLIENTAREA_DEV_SERVICE_TOKEN": "dev-service"}, wantToken: "dev-service"},
		{name: "Lambda without a token", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": fn}},
		{name: "Lambda with a blank token", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": fn, "CLIENTAREA_DEV_SERVICE_TOKEN": " "}},
		{name: "Lambda with a token", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": fn, "CLIENTAREA_DEV_SERVICE_TOKEN": "dev-service"},
			wantError: []string{"CLIENTAREA_DEV_SERVICE_TOKEN is set in Lambda function " + fn}},
		{name: "Lambda with both tokens", env: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": fn,
			"CLIENTAREA_DEV_SERVICE_TOKEN": "dev-service", "CLIENTAREA_DEV_ADMIN_TOKEN": "dev-admin"},
			wantError: []string{"CLIENTAREA_DEV_ADMIN_TOKEN and CLIENTAREA_DEV_SERVICE_TOKEN are set in Lambda function " + fn}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.env["TABLE_NAME"] = "t"
			cfg, err := FromLookup(lookup(c.env))
			if (err != nil) != (c.wantError != nil) {
				t.Fatalf("error %v, want failure %v", err, c.wantError != nil)
			}
			for _, s := range c.wantError {
				if !strings.Contains(err.Error(), s) {
					t.Fatalf("the error %q does not say %q", err, s)
				}
			}
			if cfg.DevServiceToken != c.wantToken || (c.wantError != nil && cfg.DevAdminToken != "") {
				t.Fatalf("dev tokens %q / %q, want %q / none", cfg.DevServiceToken, cfg.DevAdminToken, c.wantToken)
			}
		})
	}
}

func TestConfigCacheIsOffUnlessSetWithinItsBound(t *testing.T) {
	for value, want := range map[string]time.Duration{"": 0, "0": 0, "1": time.Second, " 300 ": 300 * time.Second} {
		c, err := FromLookup(lookup(map[string]string{"TABLE_NAME": "t", "CONFIG_CACHE_SECONDS": value}))
		if err != nil || c.ConfigCacheTTL != want {
			t.Fatalf("%q: %v %v, want %v", value, c.ConfigCacheTTL, err, want)
		}
	}
	for _, bad := range []string{"-1", "301", "1.5", "1s", "ten"} {
		if _, err := FromLookup(lookup(map[string]string{"TABLE_NAME": "t", "CONFIG_CACHE_SECONDS": bad})); err == nil || !strings.Contains(err.Error(), "CONFIG_CACHE_SECONDS") {
			t.Fatalf("%q accepted: %v", bad, err)
		}
	}
}
