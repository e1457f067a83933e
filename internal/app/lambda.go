package app

// Running a function's handler in Lambda, behind an API Gateway HTTP API
// (payload format 2.0).

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// Start is a function's whole main: a cold start (MustBuild), then serving
// its handler to Lambda. It never returns. A cold start that finds a
// dependency unavailable for now (Secrets Manager, reading the OTP key)
// still starts, answering 503 with Retry-After until the function can be
// built (Cold).
func Start(name string, build Builder) {
	lambda.Start(LambdaHandler(MustBuild(context.Background(), name, build)))
}

// AnswerReserve is the part of an invocation's time kept for answering
// once the handler's calls have run out of theirs (half of it, for an
// invocation given less than twice as much).
const AnswerReserve = time.Second

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
//
// The request's deadline is the invocation's less AnswerReserve: a call
// that has not answered by then (a DynamoDB or SNS request that hangs, or
// retries that take too long) fails with the deadline, and the handler
// still has the time to answer 503 and take back what it must, rather
// than Lambda ending the invocation and API Gateway answering 500.
func fromAPIGateway(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if deadline, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline.Add(-min(AnswerReserve, time.Until(deadline)/2)))
			defer cancel()
		}
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
