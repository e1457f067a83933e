package main

// The environment a function starts with: what a Lambda sandbox sets, plus
// the function's own variables from template.yaml, with !Ref and !GetAtt
// turned into plausible local values.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"clientarea/internal/devtools/samtemplate"
)

// The local stand-ins for the stack's names.
const (
	region    = "us-east-1"
	account   = "000000000000"
	tableName = "clientarea-coldstart"
)

// The sandbox's dummy credentials. The bench's own DynamoDB client uses
// them too: DynamoDB Local keeps one set of tables per access key.
const (
	accessKeyID     = "ASIACOLDSTARTBENCH00"
	secretAccessKey = "coldstart-bench-dummy-secret-access-key"
	sessionToken    = "coldstart-bench-dummy-session-token"
)

// fnConfig is what template.yaml says about one function's sandbox.
type fnConfig struct {
	env       []string // NAME=value, Globals first, then the function's own
	memoryMB  int
	timeoutS  int
	logFormat string
	logLevel  string
}

type rawTemplate struct {
	Parameters map[string]struct {
		Default yaml.Node `yaml:"Default"`
	} `yaml:"Parameters"`
	Globals struct {
		Function fnProps `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]struct {
		Type       string    `yaml:"Type"`
		Properties yaml.Node `yaml:"Properties"`
	} `yaml:"Resources"`
}

// fnProps is the part of a function's properties (or of Globals.Function)
// that shapes its sandbox.
type fnProps struct {
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

// functionConfigs reads each template function's sandbox settings, keyed
// by its functions/ folder name. samtemplate exposes no environment, so
// this reads that part of template.yaml itself.
func functionConfigs(tpl *samtemplate.Template) (map[string]fnConfig, error) {
	data, err := os.ReadFile(filepath.Join(tpl.Dir, "template.yaml"))
	if err != nil {
		return nil, err
	}
	var raw rawTemplate
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("template.yaml: %w", err)
	}
	r := resolver{raw: &raw}
	out := map[string]fnConfig{}
	for _, f := range tpl.Functions {
		var props fnProps
		node := raw.Resources[f.LogicalID].Properties
		if err := node.Decode(&props); err != nil {
			return nil, fmt.Errorf("%s: %w", f.LogicalID, err)
		}
		cfg, err := r.config(raw.Globals.Function, props)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.LogicalID, err)
		}
		out[f.Name] = cfg
	}
	return out, nil
}

// config merges Globals.Function and a function's own properties, as SAM does.
func (r resolver) config(global, own fnProps) (fnConfig, error) {
	c := fnConfig{memoryMB: 128, timeoutS: 3, logFormat: "Text", logLevel: "INFO"} // Lambda's defaults
	for _, p := range []fnProps{global, own} {
		if p.MemorySize > 0 {
			c.memoryMB = p.MemorySize
		}
		if p.Timeout > 0 {
			c.timeoutS = p.Timeout
		}
		var err error
		if c.logFormat, err = r.valueOr(&p.LoggingConfig.LogFormat, c.logFormat); err != nil {
			return c, err
		}
		if c.logLevel, err = r.valueOr(&p.LoggingConfig.ApplicationLogLevel, c.logLevel); err != nil {
			return c, err
		}
		vars := p.Environment.Variables.Content // key, value, key, value...
		for i := 0; i+1 < len(vars); i += 2 {
			v, err := r.value(vars[i+1])
			if err != nil {
				return c, fmt.Errorf("variable %s: %w", vars[i].Value, err)
			}
			c.env = append(c.env, vars[i].Value+"="+v)
		}
	}
	return c, nil
}

// resolver turns template values into local ones.
type resolver struct{ raw *rawTemplate }

func (r resolver) valueOr(n *yaml.Node, def string) (string, error) {
	if n.Kind == 0 {
		return def, nil
	}
	return r.value(n)
}

// value is a scalar as is, or what a !Ref / !GetAtt (short or long form)
// would give in a local stack.
func (r resolver) value(n *yaml.Node) (string, error) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!Ref":
		return r.ref(n.Value)
	case n.Kind == yaml.ScalarNode && n.Tag == "!GetAtt":
		return r.getAtt(n.Value)
	case n.Kind == yaml.ScalarNode && strings.HasPrefix(n.Tag, "!!"):
		return n.Value, nil
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Ref":
		return r.ref(n.Content[1].Value)
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::GetAtt":
		return r.getAtt(joinScalars(n.Content[1], "."))
	}
	return "", fmt.Errorf("line %d: cannot resolve %s %q locally", n.Line, n.Tag, n.Value)
}

func (r resolver) ref(id string) (string, error) {
	switch id {
	case "AWS::Region":
		return region, nil
	case "AWS::AccountId":
		return account, nil
	case "AWS::StackName":
		return "clientarea-local", nil
	}
	if p, ok := r.raw.Parameters[id]; ok {
		return joinScalars(&p.Default, ","), nil
	}
	res, ok := r.raw.Resources[id]
	if !ok {
		return "", fmt.Errorf("!Ref %s: no such parameter or resource", id)
	}
	switch res.Type {
	case "AWS::DynamoDB::Table":
		return tableName, nil
	case "AWS::SecretsManager::Secret":
		return "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + id + "-local", nil
	case "AWS::SNS::Topic":
		return "arn:aws:sns:" + region + ":" + account + ":" + id, nil
	}
	return "clientarea-local-" + id, nil // a physical id
}

func (r resolver) getAtt(path string) (string, error) {
	id, attr, _ := strings.Cut(path, ".")
	res, ok := r.raw.Resources[id]
	if !ok {
		return "", fmt.Errorf("!GetAtt %s: no such resource", path)
	}
	if res.Type == "AWS::DynamoDB::Table" && attr == "Arn" {
		return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + tableName, nil
	}
	return "arn:aws:local:" + region + ":" + account + ":" + id + "/" + attr, nil
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

// sandboxEnv is what a Lambda sandbox sets for a provided.al2023 runtime,
// with dummy credentials. The process gets nothing of the host's
// environment, so a developer's AWS_PROFILE cannot change what is measured.
func sandboxEnv(name, apiAddr, taskRoot string, c fnConfig) []string {
	fn := "clientarea-" + name
	return []string{
		"AWS_LAMBDA_RUNTIME_API=" + apiAddr,
		"AWS_LAMBDA_FUNCTION_NAME=" + fn,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(c.memoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_FORMAT=" + c.logFormat,
		"AWS_LAMBDA_LOG_LEVEL=" + c.logLevel,
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + fn,
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/01/[$LATEST]coldstart",
		"AWS_REGION=" + region,
		"AWS_DEFAULT_REGION=" + region,
		"AWS_ACCESS_KEY_ID=" + accessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + secretAccessKey,
		"AWS_SESSION_TOKEN=" + sessionToken,
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=" + taskRoot,
		"LAMBDA_RUNTIME_DIR=/var/runtime",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
	}
}

// withoutVar drops NAME=... from env.
func withoutVar(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// lookupVar is NAME's value in env.
func lookupVar(env []string, name string) (string, bool) {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v, true
		}
	}
	return "", false
}
