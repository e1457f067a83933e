package samtemplate

import "testing"

func TestFindParsesTheRepositoryTemplate(t *testing.T) {
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := tpl.Function("general")
	if !ok {
		t.Fatalf("no general function in %+v", tpl.Functions)
	}
	if fn.LogicalID != "GeneralFunction" || len(fn.Routes) == 0 {
		t.Fatalf("general function parsed as %+v", fn)
	}
	if len(tpl.Table.KeySchema) != 2 || tpl.Table.TimeToLiveSpecification.AttributeName != "ttl" {
		t.Fatalf("table parsed as %+v", tpl.Table)
	}
	if tpl.DefaultAuthorizer != "AdminJwt" {
		t.Fatalf("default authorizer %q", tpl.DefaultAuthorizer)
	}
}

func TestPoliciesAreRead(t *testing.T) {
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	table, _ := tpl.ARN(tpl.TableID)
	general, _ := tpl.Function("general")
	cases := []struct {
		action, pk string
		want       bool
	}{
		{"dynamodb:GetItem", "CONFIG", true},
		{"dynamodb:PutItem", "AUDIT#general", true},
		{"dynamodb:PutItem", "AUDIT#security", false}, // another section's audit trail
		{"dynamodb:DeleteItem", "CONFIG", false},      // General never deletes
		{"dynamodb:GetItem", "CLIENT#1", false},
	}
	for _, c := range cases {
		if got := general.Allows(Call{Action: c.action, Resource: table, LeadingKey: c.pk}); got != c.want {
			t.Errorf("general %s on %s: %v, want %v", c.action, c.pk, got, c.want)
		}
	}
	security, _ := tpl.Function("security")
	if !security.Allows(Call{Action: "dynamodb:UpdateItem", Resource: table, LeadingKey: "OTP#abc"}) ||
		security.Allows(Call{Action: "dynamodb:UpdateItem", Resource: table, LeadingKey: "SESSION#x"}) {
		t.Error("StringLike leading keys are not matched as patterns")
	}
	secret, _ := tpl.ARN("OtpKeySecret")
	if !security.Allows(Call{Action: "secretsmanager:GetSecretValue", Resource: secret}) ||
		security.Allows(Call{Action: "secretsmanager:GetSecretValue", Resource: secret + "-other"}) {
		t.Error("!Ref OtpKeySecret is not resolved to the secret's ARN")
	}
}

// A function's sandbox is Globals.Function under its own properties, its
// references resolved in the test stack.
func TestSandboxMergesGlobalsAndResolvesReferences(t *testing.T) {
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	sec, ok := tpl.Function("security")
	if !ok {
		t.Fatal("no security function")
	}
	sb := sec.Sandbox
	arn, _ := tpl.ARN("OtpKeySecret")
	if sb.Env["TABLE_NAME"] != tpl.TableID || sb.Env["OTP_KEY_SECRET_ARN"] != arn || sb.Env["ADMIN_CLAIM_NAME"] != "cognito:groups" {
		t.Fatalf("environment %v", sb.Env)
	}
	if sb.MemoryMB != 256 || sb.TimeoutS != 10 || sb.LogFormat != "JSON" || sb.LogLevel == "" {
		t.Fatalf("sandbox %+v", sb)
	}
	if ver, _ := tpl.Function("verification"); ver.Sandbox.Env["TRANSLATE_ENABLED"] != "true" {
		t.Fatalf("verification environment %v", ver.Sandbox.Env)
	}
}
