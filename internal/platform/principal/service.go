package principal

import (
	"context"
	"crypto/subtle"
	"net/http"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

// An internal service (the one that executes withdrawals, say) calls the
// routes meant for services with AWS credentials: the route's AWS_IAM
// authorization has API Gateway check the request's SigV4 signature, and
// pass the caller's identity in requestContext.authorizer.iam. Locally a
// dev service token stands in, as the dev admin token does for admins
// (never inside Lambda: package config refuses one there).

// DevServiceSubject names the dev service token's caller in the logs.
const DevServiceSubject = "dev-service"

type iamKey struct{}

// WithIAM returns ctx carrying the ARN of the caller whose signature API
// Gateway verified. Only the Lambda entry point calls it: nothing a caller
// sends can set it.
func WithIAM(ctx context.Context, callerARN string) context.Context {
	return context.WithValue(ctx, iamKey{}, callerARN)
}

// RequireService lets through only internal services: a request API
// Gateway authorised with IAM (the subject is the caller's ARN) or, in the
// local tools, one carrying the dev service token. Without credentials the
// answer is 401; anyone else (an admin, a client session, any other
// bearer) is 403: credentials that will never do.
func (res Resolver) RequireService(next httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := res.service(r)
		if err != nil {
			return err
		}
		httpapi.SetSubject(r.Context(), p.Subject)
		return next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

// service identifies the internal service that sent r, or says why r is
// refused. An IAM identity wins over any bearer, as verified claims do in
// Resolve: what API Gateway checked decides.
func (res Resolver) service(r *http.Request) (Principal, error) {
	ctx := r.Context()
	if arn, ok := ctx.Value(iamKey{}).(string); ok && arn != "" {
		return Principal{Role: Service, Subject: arn}, nil
	}
	token, hasBearer := bearer(r)
	if hasBearer && res.DevServiceToken != "" &&
		subtle.ConstantTimeCompare([]byte(token), []byte(res.DevServiceToken)) == 1 {
		return Principal{Role: Service, Subject: DevServiceSubject}, nil
	}
	subject, vouched := vouchedSubject(ctx)
	if !hasBearer && !vouched {
		return Principal{}, apperr.New(apperr.Unauthenticated, "unauthenticated", "service credentials are required")
	}
	httpapi.SetSubject(ctx, subject) // so that the 403 says whose it is, when that is known
	return Principal{}, apperr.New(apperr.Forbidden, "forbidden", "this route is for internal services only")
}

// vouchedSubject is whom API Gateway's other authorizers vouched for (a
// JWT's subject, a client session's client), if anyone: a caller the
// service gate refuses with a 403, named in its log line. A bearer that
// nothing vouches for is never resolved here: that would read sessions
// only to name a refusal.
func vouchedSubject(ctx context.Context) (string, bool) {
	if c, ok := ctx.Value(claimsKey{}).(Claims); ok {
		return c.Values["sub"], true
	}
	if s, ok := ctx.Value(sessionKey{}).(Session); ok && s.Verdict == VerdictOK {
		return s.ClientID, true
	}
	return "", false
}
