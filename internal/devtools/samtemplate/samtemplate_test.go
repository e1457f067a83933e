package samtemplate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

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

// The HTTP API's Lambda authorizers are read with the function behind
// each, and a route names the one that guards it.
func TestLambdaAuthorizersAreRead(t *testing.T) {
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	a, ok := tpl.LambdaAuthorizers["ClientSession"]
	if !ok {
		t.Fatalf("no ClientSession authorizer in %v", tpl.LambdaAuthorizers)
	}
	if a.Function != "authorizer" || a.PayloadFormatVersion != "2.0" || !a.SimpleResponses || a.CacheTTL != "0" {
		t.Fatalf("ClientSession parsed as %+v", a)
	}
	if got := a.IdentitySource(); !slices.Equal(got, []string{"$request.header.Authorization", "$context.routeKey"}) {
		t.Fatalf("identity sources %v", got)
	}
	if _, ok := tpl.LambdaAuthorizers["AdminJwt"]; ok {
		t.Fatal("the JWT authorizer read as a Lambda authorizer")
	}
	auth, ok := tpl.Function("auth")
	if !ok {
		t.Fatal("no auth function")
	}
	guarded := map[string]string{}
	for _, r := range auth.Routes {
		if a, ok := tpl.LambdaAuthorizerOf(r); ok {
			guarded[r.Pattern()] = a.Function
		}
	}
	if guarded["POST /auth/logout"] != "authorizer" || guarded["POST /auth/login"] != "" {
		t.Fatalf("routes guarded by a Lambda authorizer: %v", guarded)
	}
	general, _ := tpl.Function("general")
	if r := general.Routes[0]; tpl.Authorizer(r) != "AdminJwt" {
		t.Fatalf("%s guarded by %q", r.Pattern(), tpl.Authorizer(r))
	}
	if tpl.Authorizer(Route{Method: "GET", Path: "/x"}) != tpl.DefaultAuthorizer {
		t.Fatal("a route without an authorizer does not inherit the default")
	}
}

// A Lambda authorizer must name a function of the template, in either
// form of !GetAtt, and use only the identity sources the local tools give.
func TestLambdaAuthorizerFunctionMustBeInTheTemplate(t *testing.T) {
	cases := []struct {
		arn, identity string
		want          string // "" for a valid template, else part of the error
	}{
		{"!GetAtt GateFunction.Arn", "Headers: [Authorization]", ""},
		{"{\"Fn::GetAtt\": [GateFunction, Arn]}", "Headers: [Authorization]", ""},
		{"!GetAtt Table.Arn", "Headers: [Authorization]", "FunctionArn"},
		{"arn:aws:lambda:us-east-1:123456789012:function:other", "Headers: [Authorization]", "FunctionArn"},
		{"!GetAtt GateFunction.Arn", "QueryStrings: [token]", "identity sources"},
	}
	for _, c := range cases {
		text := `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          Gate:
            FunctionArn: ` + c.arn + `
            AuthorizerPayloadFormatVersion: "2.0"
            Identity:
              ` + c.identity + `
  GateFunction:
    Type: AWS::Serverless::Function
    Properties: {}
`
		path := filepath.Join(t.TempDir(), "template.yaml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		tpl, err := Load(path)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.arn, err)
		case c.want == "" && tpl.LambdaAuthorizers["Gate"].Function != "gate":
			t.Errorf("%s: authorizers %+v", c.arn, tpl.LambdaAuthorizers)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s: error %v, want one about %s", c.arn, c.identity, err, c.want)
		}
	}
}

// A route that says Authorizer: AWS_IAM is IAM-authorized: no Lambda
// authorizer guards it, and the API enables IAM authorization.
func TestIAMAuthorizedRoutesAreRead(t *testing.T) {
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	if !tpl.IAMAuthorizerEnabled {
		t.Fatal("the HTTP API does not enable IAM authorization")
	}
	me, ok := tpl.Function("me")
	if !ok {
		t.Fatal("no me function")
	}
	var iam []string
	for _, r := range me.Routes {
		if tpl.IAMAuthorized(r) {
			iam = append(iam, r.Pattern())
			if a, ok := tpl.LambdaAuthorizerOf(r); ok {
				t.Errorf("%s: IAM-authorized and guarded by Lambda authorizer %s", r.Pattern(), a.Name)
			}
		} else if a, ok := tpl.LambdaAuthorizerOf(r); !ok || a.Name != "ClientSession" {
			t.Errorf("%s: authorizer %q, want ClientSession", r.Pattern(), tpl.Authorizer(r))
		}
	}
	if !slices.Equal(iam, []string{"POST /tfa/operation-tokens/consume"}) {
		t.Fatalf("IAM-authorized routes %v", iam)
	}
	if tpl.IAMAuthorized(Route{Method: "GET", Path: "/admin/x"}) {
		t.Fatal("a route inheriting the JWT default reads as IAM-authorized")
	}
}

// A route (or the default) may name only NONE, an authorizer the API
// declares, or AWS_IAM when the API enables it.
func TestRouteAuthorizersMustExist(t *testing.T) {
	cases := []struct {
		name, def, iam, route string
		want                  string // "" for a valid template, else part of the error
	}{
		{"IAM enabled", "Jwt", "true", "AWS_IAM", ""},
		{"JWT", "Jwt", "", "Jwt", ""},
		{"none", "Jwt", "", "NONE", ""},
		{"inherits the default", "Jwt", "", "", ""},
		{"IAM default", "AWS_IAM", "true", "", ""},
		{"IAM not enabled", "Jwt", "", "AWS_IAM", "EnableIamAuthorizer"},
		{"IAM disabled", "Jwt", "false", "AWS_IAM", "EnableIamAuthorizer"},
		{"unknown", "Jwt", "", "Session", `no authorizer "Session"`},
		{"unknown default", "Other", "", "NONE", "DefaultAuthorizer"},
	}
	for _, c := range cases {
		iam, auth := "", ""
		if c.iam != "" {
			iam = "EnableIamAuthorizer: " + c.iam
		}
		if c.route != "" {
			auth = ", Auth: {Authorizer: " + c.route + "}"
		}
		text := `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: ` + c.def + `
        ` + iam + `
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: x, audience: [y]}
  ShopFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Buy:
          Type: HttpApi
          Properties: {Path: /buy, Method: POST` + auth + `}
`
		path := filepath.Join(t.TempDir(), "template.yaml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		tpl, err := Load(path)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want == "" && tpl.IAMAuthorized(tpl.Functions[0].Routes[0]) != (c.route == "AWS_IAM" || c.route == "" && c.def == "AWS_IAM"):
			t.Errorf("%s: IAMAuthorized %v", c.name, tpl.IAMAuthorized(tpl.Functions[0].Routes[0]))
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one about %s", c.name, err, c.want)
		}
	}
}
