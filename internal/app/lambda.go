package app

// Running a function's handler in Lambda, behind an API Gateway HTTP API
// (payload format 2.0).

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// Start is a function's whole main: a cold start (MustBuild), then serving
// its handler to Lambda. It never returns.
func Start(name string, build Builder) {
	lambda.Start(LambdaHandler(MustBuild(context.Background(), name, build)))
}

// LambdaHandler is the function's real Lambda handler: an HTTP API event in, an
// HTTP API response out. The local invoker calls exactly this.
func LambdaHandler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return httpadapter.NewV2(fromAPIGateway(h)).ProxyWithContext
}

// fromAPIGateway moves what API Gateway vouches for (the request id, the
// caller's address, the claims of a JWT its authorizer verified, the
// session authorizer's verdict, the IAM identity whose signature it
// checked) into the request's context. The address is sourceIp, the
// address of the TCP connection API Gateway accepted, never a
// forwarded-for header a caller can write.
func fromAPIGateway(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if rc, ok := core.GetAPIGatewayV2ContextFromContext(ctx); ok {
			if rc.RequestID != "" {
				ctx = logging.WithRequestID(ctx, rc.RequestID)
			}
			if rc.HTTP.SourceIP != "" {
				ctx = httpapi.WithSourceIP(ctx, rc.HTTP.SourceIP)
			}
			if rc.Authorizer != nil && rc.Authorizer.JWT != nil {
				ctx = principal.WithClaims(ctx, principal.Claims{Values: rc.Authorizer.JWT.Claims, Scopes: rc.Authorizer.JWT.Scopes})
			}
			if rc.Authorizer != nil && rc.Authorizer.Lambda != nil { // the session authorizer's verdict
				ctx = principal.WithSession(ctx, principal.SessionFromAuthorizer(rc.Authorizer.Lambda))
			}
			if rc.Authorizer != nil && rc.Authorizer.IAM != nil { // an AWS_IAM route: the signer API Gateway verified
				ctx = principal.WithIAM(ctx, rc.Authorizer.IAM.UserARN)
			}
		}
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
