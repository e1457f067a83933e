// Package samtemplate reads what the local tools and tests need from
// template.yaml: each function's HTTP API routes and IAM policies, and the
// table definition.
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

	stack stack
}

// Function is one AWS::Serverless::Function.
type Function struct {
	LogicalID string
	Name      string // LogicalID without "Function", lower-cased: the functions/ folder
	Routes    []Route
	Policies  []Statement
}

// Route is one HttpApi event.
type Route struct {
	Method     string
	Path       string
	Authorizer string // "" when the route inherits the API's default
}

// Pattern is the route as a Go ServeMux pattern ("GET /admin/config/general").
func (r Route) Pattern() string { return r.Method + " " + r.Path }

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
		DefaultAuthorizer string `yaml:"DefaultAuthorizer"`
	} `yaml:"Auth"`
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
	t := &Template{Dir: filepath.Dir(path), stack: stack{}}
	ids := make([]string, 0, len(raw.Resources))
	for id, res := range raw.Resources {
		ids = append(ids, id)
		t.stack[id] = res.Type
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
		}
	}
	if tables != 1 {
		return nil, fmt.Errorf("template has %d DynamoDB tables; the service expects exactly one", tables)
	}
	return t, nil
}

func parseFunction(id string, props *yaml.Node, stack stack) (fn Function, err error) {
	var raw rawFunction
	if err := props.Decode(&raw); err != nil {
		return Function{}, fmt.Errorf("function %s: %w", id, err)
	}
	fn = Function{LogicalID: id, Name: strings.ToLower(strings.TrimSuffix(id, "Function"))}
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
