package main

// The environment a function starts with: what a Lambda sandbox sets, plus
// the function's own variables from template.yaml, with !Ref and !GetAtt
// turned into plausible local values.

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"clientarea/internal/devtools/samtemplate"
)

// region is the sandbox's region: the test stack's, in which template.yaml's
// references resolve (internal/devtools/samtemplate).
const region = samtemplate.TestRegion

// tableName is the table the functions read: what !Ref Table resolves to
// in the test stack (its logical id), set from the template at start.
var tableName string

// The sandbox's dummy credentials. The bench's own DynamoDB client uses
// them too: DynamoDB Local keeps one set of tables per access key.
const (
	accessKeyID     = "ASIACOLDSTARTBENCH00"
	secretAccessKey = "coldstart-bench-dummy-secret-access-key"
	sessionToken    = "coldstart-bench-dummy-session-token"
)

// fnConfig is what template.yaml says about one function's sandbox.
type fnConfig struct {
	env       []string // NAME=value, sorted
	memoryMB  int
	timeoutS  int
	logFormat string
	logLevel  string
}

// functionConfigs is each template function's sandbox, keyed by its
// functions/ folder name, as samtemplate reads and resolves it.
func functionConfigs(tpl *samtemplate.Template) (map[string]fnConfig, error) {
	tableName = tpl.TableID
	out := map[string]fnConfig{}
	for _, f := range tpl.Functions {
		sb := f.Sandbox
		c := fnConfig{memoryMB: sb.MemoryMB, timeoutS: sb.TimeoutS, logFormat: sb.LogFormat, logLevel: sb.LogLevel}
		for _, name := range slices.Sorted(maps.Keys(sb.Env)) {
			c.env = append(c.env, name+"="+sb.Env[name])
		}
		out[f.Name] = c
	}
	return out, nil
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
