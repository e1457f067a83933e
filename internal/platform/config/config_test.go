package config

import "testing"

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
