package app

// Running the session authorizer: an HTTP API Lambda authorizer (REQUEST,
// payload format 2.0, simple responses).

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Authorizer decides one request for API Gateway. It always answers
// isAuthorized true with its verdict in the context (see
// principal.RequireSession); an error is a 500 from API Gateway, so it
// returns none for anything a caller can cause.
type Authorizer func(ctx context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error)

// AuthorizerBuilder wires an authorizer function from Deps.
type AuthorizerBuilder func(ctx context.Context, d *Deps) (Authorizer, error)

// StartAuthorizer is an authorizer function's whole main: a cold start,
// then serving the authorizer to Lambda. It never returns.
func StartAuthorizer(name string, build AuthorizerBuilder) {
	ctx := context.Background()
	deps, err := Load(ctx)
	if err == nil {
		var a Authorizer
		if a, err = build(ctx, deps); err == nil {
			lambda.Start(a)
			return
		}
	}
	slog.Error("cold start failed", "function", name, "error", err.Error())
	os.Exit(1)
}
