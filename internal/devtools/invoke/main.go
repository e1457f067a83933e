// Command invoke is `make invoke FN=general EVENT=events/general/get.json`:
// it feeds a sample API Gateway HTTP API event through the function's real
// Lambda handler (event → API proxy adapter → handler → DynamoDB Local) and
// prints the API Gateway response, like `sam local invoke` without Docker.
//
// An event of a route that a Lambda authorizer guards (the session
// authorizer) reaches the function as API Gateway would pass it: with the
// requestContext.authorizer.lambda it carries, or else with the context
// the real authorizer function answers for it, which runs first
// (localapi.Invoke); API Gateway's own refusals (401, 403, 500) are
// printed as its responses. An event of a route authorized by IAM
// (AWS_IAM) reaches the function as it is: with the
// requestContext.authorizer.iam it carries (the signer API Gateway would
// have verified), or else with what it carries instead, such as the dev
// service token (CLIENTAREA_DEV_SERVICE_TOKEN, dev-service) as a bearer.
// FN=authorizer takes an authorizer request event (events/authorizer/)
// and prints the authorizer's response.
//
// Like a deployed function, each invocation sees what earlier ones (and
// `make run`) stored: it uses the DynamoDB Local of a running `make run`, or
// starts one on the same port and data folder (.cache/dynamodb-data) for the
// invocation, or the DynamoDB at DYNAMODB_ENDPOINT when that is set.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/devenv"
	"clientarea/internal/devtools/localapi"
	"clientarea/internal/platform/logging"
)

func main() {
	fn := flag.String("fn", "", "function name (a folder under functions/)")
	eventPath := flag.String("event", "", "API Gateway HTTP API event file (see events/)")
	flag.Parse()
	if err := run(*fn, *eventPath); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(fn, eventPath string) error {
	if fn == "" || eventPath == "" {
		return fmt.Errorf("usage: invoke -fn <function> -event <file> (functions: %v)", registry.Names())
	}
	payload, err := os.ReadFile(eventPath)
	if err != nil {
		return err
	}
	// Function logs go to stderr, as CloudWatch would get them; the response to stdout.
	slog.SetDefault(logging.New(os.Stderr, logging.ParseLevel(os.Getenv("AWS_LAMBDA_LOG_LEVEL"))))
	ctx := context.Background()
	env, err := devenv.Open(ctx, devenv.Options{
		DynamoDBPort: devenv.DynamoDBPort(),
		Persist:      true,
		Logf:         func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) },
	})
	if err != nil {
		return err
	}
	defer env.Close()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: fmt.Sprintf("invoke-%d", time.Now().UnixNano())})
	out, err := localapi.Invoke(ctx, env.Template, localapi.Registry(ctx, env.Deps), fn, payload)
	if err != nil {
		return fmt.Errorf("function %s failed: %w", fn, err)
	}
	var pretty map[string]any
	if json.Unmarshal(out, &pretty) == nil {
		if body, ok := pretty["body"].(string); ok && json.Valid([]byte(body)) {
			pretty["body"] = json.RawMessage(body) // show the JSON body as JSON, not as an escaped string
		}
		out, _ = json.MarshalIndent(pretty, "", "  ")
	}
	fmt.Println(string(out))
	return nil
}
