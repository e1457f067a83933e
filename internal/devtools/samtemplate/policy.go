package samtemplate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The tests check every AWS call a function's code makes against the
// function's inline Policies here, as IAM would (an explicit Deny wins over
// any Allow), and a run fails when a policy grants something no test did.
// Policies name resources with CloudFormation references; they are resolved
// against one imaginary deployment of the stack, the test stack: account
// TestAccount in TestRegion, each resource named after its logical id (so
// the table is "Table" and the OTP key secret's ARN ends in
// "secret:OtpKeySecret"). Tests use those names (Template.ARN) for the
// resources they stand in for.
const (
	TestRegion  = "us-east-1"
	TestAccount = "123456789012"
)

// Call is one AWS API call as IAM authorizes it.
type Call struct {
	Action   string `json:"action"`   // "dynamodb:GetItem", "sns:Publish"...
	Resource string `json:"resource"` // the ARN, or "*" when the action names none (SMS, TranslateText)
	// LeadingKey is the partition key of a DynamoDB item call; "" when the
	// request carries none, which makes a ForAllValues condition hold, as in IAM.
	// A call naming several partitions at once (BatchGetItem,
	// BatchWriteItem) holds them all (LeadingKeys): IAM's ForAllValues
	// then needs every one of them allowed by the same statement.
	LeadingKey string `json:"leading_key,omitempty"`
}

// keySeparator separates the partitions of a call that names several.
const keySeparator = "\n"

// LeadingKeys is the LeadingKey of a call naming the given partitions:
// each once, sorted.
func LeadingKeys(keys ...string) string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return strings.Join(slices.Compact(keys), keySeparator)
}

// Keys are the partitions the call names (none for "").
func (c Call) Keys() []string {
	if c.LeadingKey == "" {
		return nil
	}
	return strings.Split(c.LeadingKey, keySeparator)
}

func (c Call) String() string {
	s := c.Action + " on " + c.Resource
	if keys := c.Keys(); len(keys) == 1 {
		s += " (partition " + keys[0] + ")"
	} else if len(keys) > 1 {
		s += " (partitions " + strings.Join(keys, ", ") + ")"
	}
	return s
}

// Statement is one statement of a function's inline Policies, its resources
// resolved against the test stack.
type Statement struct {
	Sid       string
	Effect    string // Allow or Deny
	Actions   []string
	Resources []string
	// NotResources, when the statement has NotResource instead of
	// Resource, are the resources it does not apply to: it applies to
	// every other one, "*" (a call that names no ARN) included. It is how
	// a statement allows SMS and no topic: IAM authorizes an SMS against
	// the phone number, no ARN (calls record it as "*").
	NotResources []string
	// LeadingKeys are the dynamodb:LeadingKeys the statement is limited to
	// (none: any partition); Like says they are StringLike patterns.
	LeadingKeys []string
	Like        bool
}

type rawPolicies struct {
	Policies []struct {
		Statement []struct {
			Sid         string                           `yaml:"Sid"`
			Effect      string                           `yaml:"Effect"`
			Action      stringList                       `yaml:"Action"`
			Resource    yaml.Node                        `yaml:"Resource"`
			NotResource yaml.Node                        `yaml:"NotResource"`
			Condition   map[string]map[string]stringList `yaml:"Condition"`
		} `yaml:"Statement"`
	} `yaml:"Policies"`
}

// stringList reads an IAM field that is a string or a list of strings.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = []string{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

func parsePolicies(id string, props *yaml.Node, stack stack) ([]Statement, error) {
	if err := checkPolicyForms(props); err != nil {
		return nil, fmt.Errorf("function %s policies: %w", id, err)
	}
	var raw rawPolicies
	if err := props.Decode(&raw); err != nil {
		return nil, fmt.Errorf("function %s policies: %w", id, err)
	}
	var out []Statement
	for _, p := range raw.Policies {
		for _, st := range p.Statement {
			s := Statement{Sid: st.Sid, Effect: st.Effect, Actions: st.Action}
			if s.Effect != "Allow" && s.Effect != "Deny" {
				return nil, fmt.Errorf("function %s statement %q: Effect %q", id, st.Sid, st.Effect)
			}
			var err error
			switch hasResource, hasNot := st.Resource.Kind != 0, st.NotResource.Kind != 0; {
			case hasResource == hasNot:
				return nil, fmt.Errorf("function %s statement %q: exactly one of Resource and NotResource is needed", id, st.Sid)
			case hasResource:
				if s.Resources, err = stack.resolveList(&st.Resource); err != nil {
					return nil, fmt.Errorf("function %s statement %q resource: %w", id, st.Sid, err)
				}
			default:
				if s.NotResources, err = stack.resolveList(&st.NotResource); err != nil {
					return nil, fmt.Errorf("function %s statement %q NotResource: %w", id, st.Sid, err)
				}
				if slices.Contains(s.NotResources, "*") {
					return nil, fmt.Errorf("function %s statement %q: NotResource \"*\" applies to nothing", id, st.Sid)
				}
			}
			for op, keys := range st.Condition {
				lk, ok := keys["dynamodb:LeadingKeys"]
				if len(keys) != 1 || !ok || s.LeadingKeys != nil || (op != "ForAllValues:StringEquals" && op != "ForAllValues:StringLike") {
					return nil, fmt.Errorf("function %s statement %q: condition %s is not understood by the IAM check", id, st.Sid, op)
				}
				s.LeadingKeys, s.Like = lk, op == "ForAllValues:StringLike"
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// checkPolicyForms refuses what the check does not understand: a form it
// skipped (a NotAction, a NotPrincipal, a SAM policy template) would make it
// report too much or too little, so it is an error instead.
func checkPolicyForms(props *yaml.Node) error {
	var raw struct {
		Policies []map[string]yaml.Node `yaml:"Policies"`
	}
	if err := props.Decode(&raw); err != nil {
		return fmt.Errorf("only inline policy documents (Statement: [...]) are understood by the IAM check: %w", err)
	}
	known := map[string]bool{"Sid": true, "Effect": true, "Action": true, "Resource": true, "NotResource": true, "Condition": true}
	for _, p := range raw.Policies {
		for key, value := range p {
			if key == "Version" {
				continue
			}
			if key != "Statement" {
				return fmt.Errorf("%s: only inline policy documents (Statement: [...]) are understood by the IAM check", key)
			}
			var statements []map[string]yaml.Node
			if err := value.Decode(&statements); err != nil {
				return err
			}
			for _, st := range statements {
				for field := range st {
					if !known[field] {
						return fmt.Errorf("statement field %s is not understood by the IAM check", field)
					}
				}
			}
		}
	}
	return nil
}

// stack resolves CloudFormation references in the test stack: it knows
// each resource's type by logical id, and each parameter's default.
type stack struct {
	types  map[string]string // resource logical id → type
	params map[string]string // parameter → its default
}

// arnFormats are the ARNs of the resource types policies name, given
// region, account and the resource's name.
var arnFormats = map[string]string{
	"AWS::DynamoDB::Table":        "arn:aws:dynamodb:%s:%s:table/%s",
	"AWS::SecretsManager::Secret": "arn:aws:secretsmanager:%s:%s:secret:%s",
	"AWS::SNS::Topic":             "arn:aws:sns:%s:%s:%s",
}

var pseudoParameters = map[string]string{
	"AWS::Region": TestRegion, "AWS::AccountId": TestAccount, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
}

func (s stack) arn(id string) (string, error) {
	format, ok := arnFormats[s.types[id]]
	if !ok {
		return "", fmt.Errorf("the test stack cannot name %s (type %q)", id, s.types[id])
	}
	return fmt.Sprintf(format, TestRegion, TestAccount, id), nil
}

// ref is !Ref id: a parameter's default, a table's name (its logical id),
// the ARN of a secret or topic.
func (s stack) ref(id string) (string, error) {
	if v, ok := pseudoParameters[id]; ok {
		return v, nil
	}
	if v, ok := s.params[id]; ok {
		return v, nil
	}
	if s.types[id] == "AWS::DynamoDB::Table" {
		return id, nil
	}
	return s.arn(id)
}

// getAtt is !GetAtt id.attr, for the ARN attributes.
func (s stack) getAtt(id, attr string) (string, error) {
	if attr != "Arn" && attr != "TopicArn" {
		return "", fmt.Errorf("the test stack cannot resolve !GetAtt %s.%s", id, attr)
	}
	return s.arn(id)
}

var subVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

// sub is !Sub text: ${Name} as !Ref, ${Name.Attr} as !GetAtt, ${!x} the
// literal ${x}; vars are the explicit variables of the list form.
func (s stack) sub(text string, vars map[string]string) (string, error) {
	var firstErr error
	out := subVariable.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		var v string
		var err error
		switch id, attr, hasAttr := strings.Cut(name, "."); {
		case strings.HasPrefix(name, "!"):
			return "${" + name[1:] + "}"
		case vars[name] != "":
			return vars[name]
		case hasAttr:
			v, err = s.getAtt(id, attr)
		default:
			v, err = s.ref(name)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

// resolveList resolves a Resource: one value or a list of them.
func (s stack) resolveList(n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.SequenceNode && n.Tag == "!!seq" {
		var out []string
		for _, item := range n.Content {
			v, err := s.resolve(item)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	v, err := s.resolve(n)
	return []string{v}, err
}

// resolve evaluates a string, !Ref, !GetAtt or !Sub, in the short form
// (!GetAtt Table.Arn) or the long one ({"Fn::GetAtt": [Table, Arn]}).
func (s stack) resolve(n *yaml.Node) (string, error) {
	fn, arg := n.Tag, n
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		fn, arg = "!"+strings.TrimPrefix(n.Content[0].Value, "Fn::"), n.Content[1]
	}
	var parts []string
	if arg.Kind == yaml.SequenceNode {
		for _, c := range arg.Content {
			parts = append(parts, c.Value)
		}
	}
	switch {
	case strings.HasPrefix(fn, "!!") && n.Kind == yaml.ScalarNode: // a plain string, number or boolean
		return n.Value, nil
	case fn == "!Ref" && arg.Kind == yaml.ScalarNode:
		return s.ref(arg.Value)
	case fn == "!GetAtt" && arg.Kind == yaml.ScalarNode:
		id, attr, _ := strings.Cut(arg.Value, ".")
		return s.getAtt(id, attr)
	case fn == "!GetAtt" && len(parts) == 2:
		return s.getAtt(parts[0], parts[1])
	case fn == "!Sub" && arg.Kind == yaml.ScalarNode:
		return s.sub(arg.Value, nil)
	case fn == "!Sub" && len(arg.Content) == 2 && arg.Content[1].Kind == yaml.MappingNode:
		vars := map[string]string{}
		m := arg.Content[1].Content
		for i := 0; i+1 < len(m); i += 2 {
			v, err := s.resolve(m[i+1])
			if err != nil {
				return "", err
			}
			vars[m[i].Value] = v
		}
		return s.sub(arg.Content[0].Value, vars)
	}
	return "", fmt.Errorf("line %d: the test stack does not understand this value (%s)", n.Line, fn)
}

// patterns caches like's compiled patterns: a run checks thousands of calls.
var patterns sync.Map // IAM pattern → *regexp.Regexp

// like is IAM's wildcard match: * any run of characters, ? any one.
func like(pattern, s string) bool {
	re, ok := patterns.Load(pattern)
	if !ok {
		expr := strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern))
		re, _ = patterns.LoadOrStore(pattern, regexp.MustCompile("^"+expr+"$"))
	}
	return re.(*regexp.Regexp).MatchString(s)
}

// matches reports whether the statement applies to c: its action (IAM
// actions ignore case), resource and leading key.
func (s Statement) matches(c Call) bool {
	action := func(a string) bool { return like(strings.ToLower(a), strings.ToLower(c.Action)) }
	resource := func(r string) bool { return like(r, c.Resource) }
	if s.NotResources != nil {
		return slices.ContainsFunc(s.Actions, action) && !slices.ContainsFunc(s.NotResources, resource) && s.keyMatches(c.LeadingKey)
	}
	return slices.ContainsFunc(s.Actions, action) && slices.ContainsFunc(s.Resources, resource) && s.keyMatches(c.LeadingKey)
}

// keyMatches is IAM's ForAllValues: every partition the call names is one
// of the statement's leading keys (a call naming none passes).
func (s Statement) keyMatches(key string) bool {
	if len(s.LeadingKeys) == 0 || key == "" {
		return true
	}
	for _, one := range strings.Split(key, keySeparator) {
		if !s.allowsKey(one) {
			return false
		}
	}
	return true
}

func (s Statement) allowsKey(key string) bool {
	for _, k := range s.LeadingKeys {
		if k == key || (s.Like && like(k, key)) {
			return true
		}
	}
	return false
}

// Allows reports whether the function's policies let it make c: some
// statement allows it and none denies it.
func (f Function) Allows(c Call) bool {
	allowed := false
	for _, s := range f.Policies {
		if s.matches(c) {
			if s.Effect == "Deny" {
				return false
			}
			allowed = true
		}
	}
	return allowed
}

// Grant is the smallest part of a function's permissions the unused check
// tells apart: one action on one resource, for one leading key when the
// statement limits them. A NotResource statement's action is one grant on
// everything but its NotResources (Resource reads "* except ...").
type Grant struct {
	Sid                          string
	Action, Resource, LeadingKey string
	statement                    Statement // the grant alone: one action, resource, leading key
	whole                        Statement // the statement it is part of
}

func (g Grant) String() string {
	s := g.Action + " on " + g.Resource
	if g.LeadingKey != "" {
		s += " for leading key " + g.LeadingKey
	}
	if g.Sid != "" {
		s += " (statement " + g.Sid + ")"
	}
	return s
}

// Grants lists the function's Allow statements as grants.
func (f Function) Grants() []Grant {
	var out []Grant
	for _, s := range f.Policies {
		if s.Effect != "Allow" {
			continue
		}
		keys := s.LeadingKeys
		if len(keys) == 0 {
			keys = []string{""}
		}
		resources := s.Resources
		if s.NotResources != nil {
			resources = []string{"* except " + strings.Join(s.NotResources, ", ")}
		}
		for _, a := range s.Actions {
			for i, r := range resources {
				for _, k := range keys {
					one := s
					one.Actions, one.LeadingKeys = []string{a}, nil
					if s.NotResources == nil {
						one.Resources = []string{s.Resources[i]}
					}
					if k != "" {
						one.LeadingKeys = []string{k}
					}
					out = append(out, Grant{Sid: s.Sid, Action: a, Resource: r, LeadingKey: k, statement: one, whole: s})
				}
			}
		}
	}
	return out
}

// usedBy reports whether c needs the grant: the grant's statement applies
// to c, and c names the grant's leading key (one of its partitions, for a
// call naming several: the statement allows them together).
func (g Grant) usedBy(c Call) bool {
	alone := g.statement
	alone.LeadingKeys = nil
	if !alone.matches(c) || !g.whole.matches(c) {
		return false
	}
	if g.LeadingKey == "" {
		return true
	}
	keys := c.Keys()
	if len(keys) == 0 {
		return true
	}
	return slices.ContainsFunc(keys, g.statement.allowsKey)
}

// Unused lists the function's grants that none of calls, the calls the
// function made in a test run, needed: each is a permission to take away
// (or a test to write).
func (f Function) Unused(calls []Call) []Grant {
	var out []Grant
	for _, g := range f.Grants() {
		used := false
		for _, c := range calls {
			if g.usedBy(c) && f.Allows(c) {
				used = true
				break
			}
		}
		if !used {
			out = append(out, g)
		}
	}
	return out
}
