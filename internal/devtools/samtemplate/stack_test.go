package samtemplate

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// What template.yaml must hold together beyond what one policy says, and
// what neither cfn-lint nor a deployment would tell: a function that
// starts sending codes or notifying without the grant, resource policy or
// log group that goes with it would only fail (or, worse, work too
// widely) in AWS.

// rawStack is template.yaml as YAML nodes, for the relations below.
type rawStack struct {
	Globals struct {
		Function struct {
			Environment struct {
				Variables map[string]yaml.Node `yaml:"Variables"`
			} `yaml:"Environment"`
		} `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]struct {
		Type       string    `yaml:"Type"`
		Properties yaml.Node `yaml:"Properties"`
	} `yaml:"Resources"`
}

func loadRawStack(t *testing.T) (*Template, rawStack) {
	t.Helper()
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(tpl.Dir, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var raw rawStack
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	return tpl, raw
}

// ofType lists the logical ids of the resources of a type, sorted.
func (r rawStack) ofType(typ string) []string {
	var ids []string
	for id, res := range r.Resources {
		if res.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// env is the function's environment variable name, as "!Ref X" or the
// literal value (Globals first, then the function's own).
func (r rawStack) env(t *testing.T, fn, name string) string {
	t.Helper()
	var props struct {
		Environment struct {
			Variables map[string]yaml.Node `yaml:"Variables"`
		} `yaml:"Environment"`
	}
	node := r.Resources[fn].Properties
	if err := node.Decode(&props); err != nil {
		t.Fatal(err)
	}
	v, ok := props.Environment.Variables[name]
	if !ok {
		v = r.Globals.Function.Environment.Variables[name]
	}
	return short(v)
}

// short writes a scalar as the template does: "!Ref X", "!Sub text", or
// the plain value ("" for a missing node).
func short(n yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return n.Tag + " " + n.Value
	}
	return n.Value
}

// A function may publish to a topic exactly when it is told the topic
// (NOTIFICATION_TOPIC_ARN: !Ref <topic>): the SMS grant reaches no topic,
// and no function can publish to the alarm topic or another stack's.
func TestPublishingIsToPhoneNumbersOrTheFunctionsOwnTopic(t *testing.T) {
	tpl, raw := loadRawStack(t)
	topics := raw.ofType("AWS::SNS::Topic")
	if len(topics) < 2 {
		t.Fatalf("topics %v: expected the notification and alarm topics", topics)
	}
	sms := 0
	for _, f := range tpl.Functions {
		notifies := raw.env(t, f.LogicalID, "NOTIFICATION_TOPIC_ARN")
		for _, topic := range topics {
			arn, err := tpl.ARN(topic)
			if err != nil {
				t.Fatal(err)
			}
			want := notifies == "!Ref "+topic
			if got := f.Allows(Call{Action: "sns:Publish", Resource: arn}); got != want {
				t.Errorf("%s may publish to %s: %v; NOTIFICATION_TOPIC_ARN is %q", f.Name, topic, got, notifies)
			}
		}
		for _, other := range []string{
			"arn:aws:sns:" + TestRegion + ":" + TestAccount + ":another-stack-topic",
			"arn:aws:sns:eu-west-1:999999999999:Topic",
			"arn:aws:sns:" + TestRegion + ":" + TestAccount + ":endpoint/GCM/app/0123",
		} {
			if f.Allows(Call{Action: "sns:Publish", Resource: other}) {
				t.Errorf("%s may publish to %s", f.Name, other)
			}
		}
		if f.Allows(Call{Action: "sns:Publish", Resource: "*"}) {
			sms++
		}
	}
	if sms == 0 {
		t.Error("no function may send an SMS")
	}
}

// The OTP key secret's resource policy lets exactly the roles of the
// functions that are given the secret (OTP_KEY_SECRET_ARN) read it, and
// each of them has the grant to.
func TestOnlyTheFunctionsGivenTheOtpKeyMayReadIt(t *testing.T) {
	tpl, raw := loadRawStack(t)
	secrets := raw.ofType("AWS::SecretsManager::Secret")
	if len(secrets) == 0 {
		t.Fatal("no secret in template.yaml")
	}
	exempt := map[string][]string{} // secret -> functions whose role its policy exempts
	policies := 0
	for _, id := range raw.ofType("AWS::SecretsManager::ResourcePolicy") {
		var p struct {
			SecretID          yaml.Node `yaml:"SecretId"`
			BlockPublicPolicy bool      `yaml:"BlockPublicPolicy"`
			ResourcePolicy    struct {
				Statement []struct {
					Effect    string                          `yaml:"Effect"`
					Principal yaml.Node                       `yaml:"Principal"`
					Action    stringList                      `yaml:"Action"`
					Condition map[string]map[string]yaml.Node `yaml:"Condition"`
				} `yaml:"Statement"`
			} `yaml:"ResourcePolicy"`
		}
		node := raw.Resources[id].Properties
		if err := node.Decode(&p); err != nil {
			t.Fatal(err)
		}
		secret, ok := strings.CutPrefix(short(p.SecretID), "!Ref ")
		if !ok {
			t.Errorf("%s: SecretId %q is not a !Ref", id, short(p.SecretID))
			continue
		}
		policies++
		if !p.BlockPublicPolicy {
			t.Errorf("%s: BlockPublicPolicy is off", id)
		}
		for _, st := range p.ResourcePolicy.Statement {
			if st.Effect != "Deny" || short(st.Principal) != "*" || !slices.Contains(st.Action, "secretsmanager:GetSecretValue") {
				continue
			}
			roles := st.Condition["ArnNotEquals"]["aws:PrincipalArn"]
			for _, r := range roles.Content {
				role, ok := strings.CutPrefix(short(*r), "!GetAtt ")
				fn, isRole := strings.CutSuffix(role, "Role.Arn")
				if !ok || !isRole {
					t.Errorf("%s: exempted principal %q is not a function's role", id, short(*r))
					continue
				}
				exempt[secret] = append(exempt[secret], fn)
			}
		}
	}
	if policies != len(secrets) {
		t.Errorf("%d secrets, %d resource policies: every secret needs one", len(secrets), policies)
	}
	for _, secret := range secrets {
		arn, err := tpl.ARN(secret)
		if err != nil {
			t.Fatal(err)
		}
		var given []string
		for _, f := range tpl.Functions {
			if raw.env(t, f.LogicalID, "OTP_KEY_SECRET_ARN") == "!Ref "+secret {
				given = append(given, f.LogicalID)
				if !f.Allows(Call{Action: "secretsmanager:GetSecretValue", Resource: arn}) {
					t.Errorf("%s is given %s but may not read it", f.Name, secret)
				}
			} else if f.Allows(Call{Action: "secretsmanager:GetSecretValue", Resource: arn}) {
				t.Errorf("%s may read %s without being given it", f.Name, secret)
			}
		}
		got := exempt[secret]
		sort.Strings(got)
		if len(given) == 0 || !slices.Equal(got, given) {
			t.Errorf("%s: its resource policy lets the roles of %v read it; the functions given it are %v", secret, got, given)
		}
	}
}

// Every function logs to a group of its own, named after it and kept for
// LogRetentionDays: not to one Lambda would create on first use, which
// keeps logs forever.
func TestEveryFunctionHasItsLogGroup(t *testing.T) {
	tpl, raw := loadRawStack(t)
	for _, f := range tpl.Functions {
		var props struct {
			FunctionName  yaml.Node `yaml:"FunctionName"`
			LoggingConfig struct {
				LogGroup yaml.Node `yaml:"LogGroup"`
			} `yaml:"LoggingConfig"`
		}
		node := raw.Resources[f.LogicalID].Properties
		if err := node.Decode(&props); err != nil {
			t.Fatal(err)
		}
		name := short(props.FunctionName)
		if name != "!Sub ${AWS::StackName}-"+f.Name {
			t.Errorf("%s: FunctionName %q, want !Sub ${AWS::StackName}-%s", f.LogicalID, name, f.Name)
		}
		group, ok := strings.CutPrefix(short(props.LoggingConfig.LogGroup), "!Ref ")
		res, exists := raw.Resources[group]
		if !ok || !exists || res.Type != "AWS::Logs::LogGroup" {
			t.Errorf("%s: LoggingConfig.LogGroup %q is not a !Ref to a log group of the template", f.LogicalID, short(props.LoggingConfig.LogGroup))
			continue
		}
		var lg struct {
			LogGroupName    yaml.Node `yaml:"LogGroupName"`
			RetentionInDays yaml.Node `yaml:"RetentionInDays"`
		}
		if err := res.Properties.Decode(&lg); err != nil {
			t.Fatal(err)
		}
		if got, want := short(lg.LogGroupName), "!Sub /aws/lambda/"+strings.TrimPrefix(name, "!Sub "); got != want {
			t.Errorf("%s: LogGroupName %q, want %q", group, got, want)
		}
		if got := short(lg.RetentionInDays); got != "!Ref LogRetentionDays" {
			t.Errorf("%s: RetentionInDays %q, want !Ref LogRetentionDays", group, got)
		}
	}
}
