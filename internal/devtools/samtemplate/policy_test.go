package samtemplate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// load parses a template made of the table, a secret and a topic, and one
// function with the given Policies.
func load(t *testing.T, policies string) (Function, error) {
	t.Helper()
	text := `
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {}
  Key:
    Type: AWS::SecretsManager::Secret
  Topic:
    Type: AWS::SNS::Topic
  DemoFunction:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
` + policies
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl, err := Load(path)
	if err != nil {
		return Function{}, err
	}
	fn, _ := tpl.Function("demo")
	return fn, nil
}

func mustLoad(t *testing.T, policies string) Function {
	t.Helper()
	fn, err := load(t, policies)
	if err != nil {
		t.Fatal(err)
	}
	return fn
}

const (
	table  = "arn:aws:dynamodb:us-east-1:123456789012:table/Table"
	secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:Key"
	topic  = "arn:aws:sns:us-east-1:123456789012:Topic"
)

func get(pk string) Call { return Call{Action: "dynamodb:GetItem", Resource: table, LeadingKey: pk} }

// Tightening a policy denies the call that needed what was taken away.
func TestATightenedPolicyDenies(t *testing.T) {
	statement := `
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem]
              Resource: !GetAtt Table.Arn
              Condition:
                ForAllValues:StringEquals:
                  dynamodb:LeadingKeys: [%s]
`
	wide := mustLoad(t, strings.Replace(statement, "%s", "CONFIG, AUDIT#demo", 1))
	tight := mustLoad(t, strings.Replace(statement, "%s", "CONFIG", 1))
	if !wide.Allows(get("AUDIT#demo")) || tight.Allows(get("AUDIT#demo")) || !tight.Allows(get("CONFIG")) {
		t.Fatal("leading keys not honoured")
	}
	if tight.Allows(Call{Action: "dynamodb:PutItem", Resource: table, LeadingKey: "CONFIG"}) {
		t.Fatal("an action not granted is allowed")
	}
	if tight.Allows(Call{Action: "dynamodb:GetItem", Resource: table + "/index/byEmail", LeadingKey: "CONFIG"}) {
		t.Fatal("the table's ARN grants its indexes")
	}
}

// An explicit Deny matching the call wins over any Allow.
func TestADenyWins(t *testing.T) {
	fn := mustLoad(t, `
        - Statement:
            - Effect: Allow
              Action: "dynamodb:*"
              Resource: "*"
            - Effect: Deny
              Action: dynamodb:GetItem
              Resource: {"Fn::GetAtt": [Table, Arn]}
              Condition:
                ForAllValues:StringLike:
                  dynamodb:LeadingKeys: ["SECRET#*"]
`)
	if fn.Allows(get("SECRET#1")) {
		t.Fatal("the Deny did not win")
	}
	if !fn.Allows(get("CONFIG")) || !fn.Allows(Call{Action: "dynamodb:PutItem", Resource: table, LeadingKey: "SECRET#1"}) {
		t.Fatal("the Deny applied beyond its action and keys")
	}
	if unused := fn.Unused([]Call{get("SECRET#1")}); len(unused) != 1 {
		t.Fatalf("a denied call used a grant: unused %v", unused)
	}
}

// Resources are named with Ref, GetAtt and Sub, short or long; SMS and
// TranslateText have none ("*").
func TestResourceReferences(t *testing.T) {
	fn := mustLoad(t, `
        - Statement:
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource: !Ref Key
            - Effect: Allow
              Action: sns:Publish
              Resource: {Ref: Topic}
            - Effect: Allow
              Action: dynamodb:Query
              Resource:
                - !Sub "${Table.Arn}/index/*"
                - !Sub ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Name}", {Name: !Ref Table}]
`)
	allowed := []Call{
		{Action: "secretsmanager:GetSecretValue", Resource: secret},
		{Action: "sns:Publish", Resource: topic},
		{Action: "dynamodb:Query", Resource: table + "/index/byEmail", LeadingKey: "X"},
		{Action: "dynamodb:Query", Resource: table, LeadingKey: "X"},
	}
	for _, c := range allowed {
		if !fn.Allows(c) {
			t.Errorf("%s denied", c)
		}
	}
	if fn.Allows(Call{Action: "sns:Publish", Resource: "*"}) {
		t.Error("publishing to a phone number allowed by the topic's grant")
	}
}

// NotResource applies a statement to every resource but those it names,
// "*" (an SMS names no ARN) included: so one statement allows SMS and no
// topic, and a second one allows the one topic a function notifies.
func TestNotResource(t *testing.T) {
	fn := mustLoad(t, `
        - Statement:
            - Sid: SendSms
              Effect: Allow
              Action: sns:Publish
              NotResource: !Sub "arn:${AWS::Partition}:sns:*:*:*"
            - Sid: Notify
              Effect: Allow
              Action: sns:Publish
              Resource: !Ref Topic
`)
	cases := []struct {
		resource string
		want     bool
	}{
		{"*", true},   // an SMS to a phone number
		{topic, true}, // the topic of the Notify statement
		{"arn:aws:sns:us-east-1:123456789012:Other", false},
		{"arn:aws:sns:eu-west-1:999999999999:Topic", false},
		{"arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/1234", false}, // a mobile push endpoint (TargetArn)
	}
	for _, c := range cases {
		if got := fn.Allows(Call{Action: "sns:Publish", Resource: c.resource}); got != c.want {
			t.Errorf("sns:Publish on %s: %v, want %v", c.resource, got, c.want)
		}
	}
	if fn.Allows(Call{Action: "sns:Subscribe", Resource: "*"}) {
		t.Error("NotResource widened the statement's actions")
	}

	var got []string
	for _, g := range fn.Grants() {
		got = append(got, g.String())
	}
	want := []string{
		"sns:Publish on * except arn:aws:sns:*:*:* (statement SendSms)",
		"sns:Publish on " + topic + " (statement Notify)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("grants %q\nwant %q", got, want)
	}
	// Publishing to the topic uses the Notify grant only: SendSms stays unused.
	unused := fn.Unused([]Call{{Action: "sns:Publish", Resource: topic}})
	if len(unused) != 1 || unused[0].Sid != "SendSms" {
		t.Fatalf("unused %v", unused)
	}
	if unused := fn.Unused([]Call{{Action: "sns:Publish", Resource: "*"}, {Action: "sns:Publish", Resource: topic}}); len(unused) != 0 {
		t.Fatalf("unused %v", unused)
	}
}

// A Deny with NotResource denies everything but what it names.
func TestDenyNotResource(t *testing.T) {
	fn := mustLoad(t, `
        - Statement:
            - Effect: Allow
              Action: sns:Publish
              Resource: "*"
            - Effect: Deny
              Action: sns:Publish
              NotResource: [!Ref Topic]
`)
	if !fn.Allows(Call{Action: "sns:Publish", Resource: topic}) {
		t.Error("the topic NotResource names is denied")
	}
	for _, r := range []string{"*", "arn:aws:sns:us-east-1:123456789012:Other"} {
		if fn.Allows(Call{Action: "sns:Publish", Resource: r}) {
			t.Errorf("sns:Publish on %s allowed", r)
		}
	}
}

// Each grant no call used is reported: an action, a leading key.
func TestUnusedGrants(t *testing.T) {
	fn := mustLoad(t, `
        - Statement:
            - Sid: Config
              Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:ConditionCheckItem]
              Resource: !GetAtt Table.Arn
              Condition:
                ForAllValues:StringEquals:
                  dynamodb:LeadingKeys: [CONFIG, AUDIT#demo]
            - Sid: Sms
              Effect: Allow
              Action: sns:Publish
              Resource: "*"
`)
	var got []string
	for _, g := range fn.Unused([]Call{get("CONFIG"), {Action: "sns:Publish", Resource: "*"}}) {
		got = append(got, g.String())
	}
	want := []string{
		"dynamodb:GetItem on " + table + " for leading key AUDIT#demo (statement Config)",
		"dynamodb:ConditionCheckItem on " + table + " for leading key CONFIG (statement Config)",
		"dynamodb:ConditionCheckItem on " + table + " for leading key AUDIT#demo (statement Config)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("unused %q\nwant %q", got, want)
	}
}

// What the check cannot evaluate is an error, not silently skipped.
func TestUnsupportedPoliciesAreErrors(t *testing.T) {
	for name, policies := range map[string]string{
		"SAM policy template": `
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
`,
		"managed policy": `
        - AWSLambdaBasicExecutionRole
`,
		"NotAction": `
        - Statement:
            - Effect: Allow
              NotAction: dynamodb:DeleteItem
              Resource: "*"
`,
		"other condition": `
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: "*"
              Condition:
                StringEquals: {aws:RequestedRegion: us-east-1}
`,
		"unknown reference": `
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !GetAtt Nothing.Arn
`,
		"Resource and NotResource": `
        - Statement:
            - Effect: Allow
              Action: sns:Publish
              Resource: !Ref Topic
              NotResource: "arn:aws:sns:*:*:*"
`,
		"neither Resource nor NotResource": `
        - Statement:
            - Effect: Allow
              Action: sns:Publish
`,
		"NotResource *": `
        - Statement:
            - Effect: Allow
              Action: sns:Publish
              NotResource: "*"
`,
		"NotPrincipal": `
        - Statement:
            - Effect: Deny
              Action: sns:Publish
              Resource: "*"
              NotPrincipal: {AWS: arn:aws:iam::123456789012:root}
`,
		"Join": `
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !Join ["", [a, b]]
`,
	} {
		if _, err := load(t, policies); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A call naming several partitions (a batch) needs them all allowed by one
// statement, as IAM's ForAllValues does: two statements that each allow
// one of them do not allow the batch. Each of the statement's leading keys
// that the batch names is used.
func TestABatchNeedsEveryPartitionInOneStatement(t *testing.T) {
	batch := Call{Action: "dynamodb:BatchGetItem", Resource: table, LeadingKey: LeadingKeys("SESSION#1", "CONFIG", "SESSION#1")}
	if got := batch.Keys(); !slices.Equal(got, []string{"CONFIG", "SESSION#1"}) || !strings.Contains(batch.String(), "partitions CONFIG, SESSION#1") {
		t.Fatalf("keys %v, %s", got, batch)
	}
	split := mustLoad(t, `
        - Statement:
            - Sid: Config
              Effect: Allow
              Action: dynamodb:BatchGetItem
              Resource: !GetAtt Table.Arn
              Condition:
                ForAllValues:StringEquals:
                  dynamodb:LeadingKeys: [CONFIG]
            - Sid: Sessions
              Effect: Allow
              Action: dynamodb:BatchGetItem
              Resource: !GetAtt Table.Arn
              Condition:
                ForAllValues:StringLike:
                  dynamodb:LeadingKeys: ["SESSION#*"]
`)
	if split.Allows(batch) {
		t.Fatal("a batch allowed by two statements together")
	}
	if !split.Allows(Call{Action: "dynamodb:BatchGetItem", Resource: table, LeadingKey: LeadingKeys("SESSION#1", "SESSION#2")}) {
		t.Fatal("a batch of sessions denied")
	}
	together := mustLoad(t, `
        - Statement:
            - Sid: Read
              Effect: Allow
              Action: dynamodb:BatchGetItem
              Resource: !GetAtt Table.Arn
              Condition:
                ForAllValues:StringLike:
                  dynamodb:LeadingKeys: [CONFIG, "SESSION#*", "CLIENT#*"]
`)
	if !together.Allows(batch) {
		t.Fatal("a batch denied by the statement allowing all its partitions")
	}
	unused := together.Unused([]Call{batch})
	if len(unused) != 1 || unused[0].LeadingKey != "CLIENT#*" {
		t.Fatalf("unused %v, want only CLIENT#*", unused)
	}
}
