// Package samtemplate reads what the local tools and tests need from
// template.yaml: each function's HTTP API routes, IAM policies and sandbox
// (memory, timeout, logging, environment), and the table definition.
// References (!Ref, !GetAtt, !Sub) resolve in one test stack: parameters
// take their defaults, a table is named by its logical id, secrets and
// topics get ARNs in TestRegion and TestAccount.
// Reading them from the template (rather than a second list) is what keeps
// the dev server, the tests and the deployed stack in step.
package samtemplate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is the parsed subset of template.yaml.
type Template struct {
	Dir       string // the folder holding template.yaml (the repository root)
	Functions []Function
	Table     TableDef
	TableID   string // the table's logical id
	// DefaultAuthorizer is the HTTP API's default authorizer name.
	DefaultAuthorizer string
	// LambdaAuthorizers are the HTTP API's Lambda authorizers, by name.
	LambdaAuthorizers map[string]LambdaAuthorizer
	// IAMAuthorizerEnabled is the HTTP API's Auth.EnableIamAuthorizer:
	// routes may then name IAMAuthorizer.
	IAMAuthorizerEnabled bool

	stack stack
}

// Function is one AWS::Serverless::Function.
type Function struct {
	LogicalID string
	Name      string // LogicalID without "Function", lower-cased: the functions/ folder
	Routes    []Route
	Policies  []Statement
	Sandbox   Sandbox
}

// Sandbox is what the function's properties, over Globals.Function, say
// about its execution environment.
type Sandbox struct {
	MemoryMB, TimeoutS  int
	LogFormat, LogLevel string
	Env                 map[string]string // Environment.Variables, resolved in the test stack
}

// Route is one HttpApi event.
type Route struct {
	Method     string
	Path       string
	Authorizer string // "" when the route inherits the API's default
}

// Pattern is the route as a Go ServeMux pattern ("GET /admin/config/general").
// It is also the route's key in API Gateway ($context.routeKey).
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// LambdaAuthorizer is one Lambda authorizer of the HTTP API
// (Auth.Authorizers.<name> with a FunctionArn).
type LambdaAuthorizer struct {
	Name string
	// Function is the name of the function that decides (its functions/
	// folder), from FunctionArn: !GetAtt <LogicalID>.Arn.
	Function string
	// PayloadFormatVersion and SimpleResponses are what the function is
	// called with and answers.
	PayloadFormatVersion string
	SimpleResponses      bool
	// Headers and Context are the identity sources: API Gateway answers 401
	// without calling the function when one of the headers is missing or
	// empty, and they key its cache of decisions.
	Headers []string
	Context []string
	// CacheTTL is ReauthorizeEvery resolved in the test stack ("" when left out).
	CacheTTL string
}

// IdentitySource is the identity sources as API Gateway writes them
// ("$request.header.Authorization", "$context.routeKey"), in the order it
// passes their values to the function.
func (a LambdaAuthorizer) IdentitySource() []string {
	var out []string
	for _, h := range a.Headers {
		out = append(out, "$request.header."+h)
	}
	for _, c := range a.Context {
		out = append(out, "$context."+c)
	}
	return out
}

// The authorizer names SAM gives a meaning of its own: no authorizer, and
// IAM authorization (SigV4-signed requests, execute-api:Invoke).
const (
	NoAuthorizer  = "NONE"
	IAMAuthorizer = "AWS_IAM"
)

// Authorizer is the name of the authorizer that guards r: its own, or the
// API's default ("NONE" when it has none).
func (t *Template) Authorizer(r Route) string {
	switch {
	case r.Authorizer != "":
		return r.Authorizer
	case t.DefaultAuthorizer != "":
		return t.DefaultAuthorizer
	}
	return NoAuthorizer
}

// IAMAuthorized reports whether r is authorized by IAM (AWS_IAM): API
// Gateway checks the request's SigV4 signature and the caller's
// execute-api:Invoke permission, and calls no function of the template to
// decide. The local tools have no IAM: nothing runs in front of such a
// route, and the function's own check of the caller takes the dev
// service token.
func (t *Template) IAMAuthorized(r Route) bool { return t.Authorizer(r) == IAMAuthorizer }

// LambdaAuthorizerOf is the Lambda authorizer that guards r, if one does.
func (t *Template) LambdaAuthorizerOf(r Route) (LambdaAuthorizer, bool) {
	a, ok := t.LambdaAuthorizers[t.Authorizer(r)]
	return a, ok
}

// TableDef is the DynamoDB table's definition.
type TableDef struct {
	AttributeDefinitions []struct {
		AttributeName string `yaml:"AttributeName"`
		AttributeType string `yaml:"AttributeType"`
	} `yaml:"AttributeDefinitions"`
	KeySchema []struct {
		AttributeName string `yaml:"AttributeName"`
		KeyType       string `yaml:"KeyType"`
	} `yaml:"KeySchema"`
	GlobalSecondaryIndexes []struct {
		IndexName string `yaml:"IndexName"`
		KeySchema []struct {
			AttributeName string `yaml:"AttributeName"`
			KeyType       string `yaml:"KeyType"`
		} `yaml:"KeySchema"`
		Projection struct {
			ProjectionType   string   `yaml:"ProjectionType"`
			NonKeyAttributes []string `yaml:"NonKeyAttributes"`
		} `yaml:"Projection"`
	} `yaml:"GlobalSecondaryIndexes"`
	TimeToLiveSpecification struct {
		AttributeName string `yaml:"AttributeName"`
		Enabled       bool   `yaml:"Enabled"`
	} `yaml:"TimeToLiveSpecification"`
}

type rawTemplate struct {
	Parameters map[string]struct {
		Default yaml.Node `yaml:"Default"`
	} `yaml:"Parameters"`
	Globals struct {
		Function yaml.Node `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]struct {
		Type       string    `yaml:"Type"`
		Properties yaml.Node `yaml:"Properties"`
	} `yaml:"Resources"`
}

type rawFunction struct {
	Events map[string]struct {
		Type       string `yaml:"Type"`
		Properties struct {
			Path   string `yaml:"Path"`
			Method string `yaml:"Method"`
			Auth   struct {
				Authorizer string `yaml:"Authorizer"`
			} `yaml:"Auth"`
		} `yaml:"Properties"`
	} `yaml:"Events"`
}

type rawAPI struct {
	Auth struct {
		DefaultAuthorizer   string                   `yaml:"DefaultAuthorizer"`
		Authorizers         map[string]rawAuthorizer `yaml:"Authorizers"`
		EnableIamAuthorizer bool                     `yaml:"EnableIamAuthorizer"`
	} `yaml:"Auth"`
}

type rawAuthorizer struct {
	FunctionArn                    yaml.Node `yaml:"FunctionArn"`
	AuthorizerPayloadFormatVersion string    `yaml:"AuthorizerPayloadFormatVersion"`
	EnableSimpleResponses          bool      `yaml:"EnableSimpleResponses"`
	Identity                       struct {
		Headers          []string  `yaml:"Headers"`
		Context          []string  `yaml:"Context"`
		QueryStrings     []string  `yaml:"QueryStrings"`
		StageVariables   []string  `yaml:"StageVariables"`
		ReauthorizeEvery yaml.Node `yaml:"ReauthorizeEvery"`
	} `yaml:"Identity"`
}

// Find loads template.yaml from the current folder or the nearest parent
// that has one, so tools and tests work from any package folder.
func Find() (*Template, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		path := filepath.Join(dir, "template.yaml")
		if _, err := os.Stat(path); err == nil {
			return Load(path)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, errors.New("template.yaml not found in this folder or any parent")
		}
		dir = parent
	}
}

// Load parses the template at path.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	var raw rawTemplate
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	t := &Template{Dir: filepath.Dir(path), LambdaAuthorizers: map[string]LambdaAuthorizer{},
		stack: stack{types: map[string]string{}, params: map[string]string{}}}
	authorizers := map[string]bool{} // every authorizer the HTTP API declares, JWT ones too
	for id, p := range raw.Parameters {
		t.stack.params[id] = joinScalars(&p.Default, ",")
	}
	ids := make([]string, 0, len(raw.Resources))
	for id, res := range raw.Resources {
		ids = append(ids, id)
		t.stack.types[id] = res.Type
	}
	sort.Strings(ids)
	tables := 0
	for _, id := range ids {
		res := raw.Resources[id]
		switch res.Type {
		case "AWS::Serverless::Function":
			fn, err := parseFunction(id, &res.Properties, t.stack)
			if err != nil {
				return nil, err
			}
			if fn.Sandbox, err = parseSandbox(t.stack, &raw.Globals.Function, &res.Properties); err != nil {
				return nil, fmt.Errorf("function %s: %w", id, err)
			}
			t.Functions = append(t.Functions, fn)
		case "AWS::DynamoDB::Table":
			tables++
			t.TableID = id
			if err := res.Properties.Decode(&t.Table); err != nil {
				return nil, fmt.Errorf("table %s: %w", id, err)
			}
		case "AWS::Serverless::HttpApi":
			var api rawAPI
			if err := res.Properties.Decode(&api); err != nil {
				return nil, fmt.Errorf("api %s: %w", id, err)
			}
			t.DefaultAuthorizer = api.Auth.DefaultAuthorizer
			t.IAMAuthorizerEnabled = api.Auth.EnableIamAuthorizer
			for name, raw := range api.Auth.Authorizers {
				authorizers[name] = true
				if raw.FunctionArn.Kind == 0 {
					continue // a JWT authorizer
				}
				a, err := parseLambdaAuthorizer(name, raw, t.stack)
				if err != nil {
					return nil, fmt.Errorf("api %s: %w", id, err)
				}
				t.LambdaAuthorizers[name] = a
			}
		}
	}
	if tables != 1 {
		return nil, fmt.Errorf("template has %d DynamoDB tables; the service expects exactly one", tables)
	}
	for name, a := range t.LambdaAuthorizers {
		if _, ok := t.Function(a.Function); !ok {
			return nil, fmt.Errorf("Lambda authorizer %s: no function %q in the template", name, a.Function)
		}
	}
	if err := t.checkAuthorizerNames(authorizers); err != nil {
		return nil, err
	}
	return t, nil
}

// checkAuthorizerNames fails when the API's default or a route names an
// authorizer the HTTP API does not have, or AWS_IAM while the API does
// not enable it: SAM would refuse the template, and the local tools would
// otherwise run such a route unguarded.
func (t *Template) checkAuthorizerNames(declared map[string]bool) error {
	known := func(name string) error {
		switch {
		case name == NoAuthorizer || declared[name]:
			return nil
		case name == IAMAuthorizer && !t.IAMAuthorizerEnabled:
			return errors.New("AWS_IAM needs Auth.EnableIamAuthorizer: true on the HTTP API")
		case name == IAMAuthorizer:
			return nil
		}
		return fmt.Errorf("the HTTP API has no authorizer %q", name)
	}
	if t.DefaultAuthorizer != "" {
		if err := known(t.DefaultAuthorizer); err != nil {
			return fmt.Errorf("DefaultAuthorizer: %w", err)
		}
	}
	for _, f := range t.Functions {
		for _, r := range f.Routes {
			if r.Authorizer == "" {
				continue
			}
			if err := known(r.Authorizer); err != nil {
				return fmt.Errorf("function %s route %s: %w", f.LogicalID, r.Pattern(), err)
			}
		}
	}
	return nil
}

// parseLambdaAuthorizer reads a Lambda authorizer. Its function must be
// one of the template's (FunctionArn: !GetAtt <Id>.Arn, short or long),
// and it may be identified only by headers and context variables, the
// sources the local tools give it.
func parseLambdaAuthorizer(name string, raw rawAuthorizer, s stack) (LambdaAuthorizer, error) {
	a := LambdaAuthorizer{Name: name, PayloadFormatVersion: raw.AuthorizerPayloadFormatVersion,
		SimpleResponses: raw.EnableSimpleResponses, Headers: raw.Identity.Headers, Context: raw.Identity.Context}
	n := &raw.FunctionArn
	var target string
	switch {
	case n.Tag == "!GetAtt" && n.Kind == yaml.ScalarNode:
		target = n.Value
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::GetAtt" && len(n.Content[1].Content) == 2:
		target = n.Content[1].Content[0].Value + "." + n.Content[1].Content[1].Value
	}
	id, ok := strings.CutSuffix(target, ".Arn")
	if !ok || s.types[id] != "AWS::Serverless::Function" {
		return a, fmt.Errorf("Lambda authorizer %s: FunctionArn must be !GetAtt <a function of the template>.Arn", name)
	}
	a.Function = functionName(id)
	if len(raw.Identity.QueryStrings) > 0 || len(raw.Identity.StageVariables) > 0 {
		return a, fmt.Errorf("Lambda authorizer %s: only Headers and Context identity sources are understood by the local tools", name)
	}
	var err error
	if a.CacheTTL, err = s.resolveOr(&raw.Identity.ReauthorizeEvery, ""); err != nil {
		return a, fmt.Errorf("Lambda authorizer %s ReauthorizeEvery: %w", name, err)
	}
	return a, nil
}

// functionName is a function's name from its logical id: without
// "Function", lower-cased (its functions/ folder).
func functionName(logicalID string) string {
	return strings.ToLower(strings.TrimSuffix(logicalID, "Function"))
}

func parseFunction(id string, props *yaml.Node, stack stack) (fn Function, err error) {
	var raw rawFunction
	if err := props.Decode(&raw); err != nil {
		return Function{}, fmt.Errorf("function %s: %w", id, err)
	}
	fn = Function{LogicalID: id, Name: functionName(id)}
	if fn.Policies, err = parsePolicies(id, props, stack); err != nil {
		return Function{}, err
	}
	for name, ev := range raw.Events {
		if ev.Type != "HttpApi" {
			continue
		}
		p := ev.Properties
		if p.Path == "" || p.Method == "" {
			return Function{}, fmt.Errorf("function %s event %s: Path and Method are required", id, name)
		}
		fn.Routes = append(fn.Routes, Route{Method: strings.ToUpper(p.Method), Path: p.Path, Authorizer: p.Auth.Authorizer})
	}
	sort.Slice(fn.Routes, func(i, j int) bool { return fn.Routes[i].Pattern() < fn.Routes[j].Pattern() })
	return fn, nil
}

// Function returns the function with the given name.
func (t *Template) Function(name string) (Function, bool) {
	for _, f := range t.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// ARN is the ARN of the resource with the given logical id in the test
// stack, the deployment the IAM check evaluates policies against.
func (t *Template) ARN(logicalID string) (string, error) { return t.stack.arn(logicalID) }

// rawSandbox is the part of a function's properties (or of
// Globals.Function) that shapes its sandbox.
type rawSandbox struct {
	MemorySize  int `yaml:"MemorySize"`
	Timeout     int `yaml:"Timeout"`
	Environment struct {
		Variables yaml.Node `yaml:"Variables"`
	} `yaml:"Environment"`
	LoggingConfig struct {
		LogFormat           yaml.Node `yaml:"LogFormat"`
		ApplicationLogLevel yaml.Node `yaml:"ApplicationLogLevel"`
	} `yaml:"LoggingConfig"`
}

// parseSandbox merges Globals.Function and a function's own properties, as
// SAM does, over Lambda's defaults.
func parseSandbox(s stack, layers ...*yaml.Node) (Sandbox, error) {
	sb := Sandbox{MemoryMB: 128, TimeoutS: 3, LogFormat: "Text", LogLevel: "INFO", Env: map[string]string{}}
	for _, node := range layers {
		var raw rawSandbox
		if node.Kind != 0 {
			if err := node.Decode(&raw); err != nil {
				return sb, err
			}
		}
		if raw.MemorySize > 0 {
			sb.MemoryMB = raw.MemorySize
		}
		if raw.Timeout > 0 {
			sb.TimeoutS = raw.Timeout
		}
		var err error
		if sb.LogFormat, err = s.resolveOr(&raw.LoggingConfig.LogFormat, sb.LogFormat); err != nil {
			return sb, err
		}
		if sb.LogLevel, err = s.resolveOr(&raw.LoggingConfig.ApplicationLogLevel, sb.LogLevel); err != nil {
			return sb, err
		}
		vars := raw.Environment.Variables.Content // key, value, key, value...
		for i := 0; i+1 < len(vars); i += 2 {
			if sb.Env[vars[i].Value], err = s.resolve(vars[i+1]); err != nil {
				return sb, fmt.Errorf("variable %s: %w", vars[i].Value, err)
			}
		}
	}
	return sb, nil
}

// resolveOr is n resolved, or def when the template leaves n out.
func (s stack) resolveOr(n *yaml.Node, def string) (string, error) {
	if n.Kind == 0 {
		return def, nil
	}
	return s.resolve(n)
}

// joinScalars is a scalar's value, or a sequence's values joined by sep.
func joinScalars(n *yaml.Node, sep string) string {
	if n.Kind != yaml.SequenceNode {
		return n.Value
	}
	parts := make([]string, len(n.Content))
	for i, c := range n.Content {
		parts[i] = c.Value
	}
	return strings.Join(parts, sep)
}
