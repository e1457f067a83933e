package app

// Running a Lambda authorizer in front of a handler the way API Gateway's
// HTTP API does, for the local tools and the handler tests: the dev
// server, the invoker and apptest all go through Authorize, so that a
// guarded route answers locally exactly as it does deployed.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// The identity sources of the session authorizer (template.yaml,
// Api.Auth.Authorizers.ClientSession.Identity), in the order API Gateway
// passes their values: the Authorization header, then the route key. A
// test in internal/devtools/localapi holds the template to them.
const authorizationHeader = "Authorization"

// AuthorizerRequest is the request API Gateway sends a Lambda authorizer
// (payload format 2.0, type REQUEST) for r, a request of the route
// routeKey ("POST /auth/logout"): headers lower-cased, repeated headers
// and query parameters joined by commas, cookies apart, and the values of
// the identity sources. Path parameters are read when r was routed by a
// ServeMux pattern equal to routeKey.
func AuthorizerRequest(r *http.Request, routeKey string) events.APIGatewayV2CustomAuthorizerV2Request {
	headers := map[string]string{}
	var cookies []string
	for name, values := range r.Header {
		name = strings.ToLower(name)
		if name == "cookie" {
			for _, v := range values {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[name] = strings.Join(values, ",")
	}
	if r.Host != "" {
		headers["host"] = r.Host
	}
	var query map[string]string
	if q := r.URL.Query(); len(q) > 0 {
		query = map[string]string{}
		for k, vs := range q {
			query[k] = strings.Join(vs, ",")
		}
	}
	_, path, _ := strings.Cut(routeKey, " ")
	var params map[string]string
	for _, seg := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "+")
			if params == nil {
				params = map[string]string{}
			}
			params[name] = r.PathValue(name)
		}
	}
	sourceIP := httpapi.SourceIP(r.Context())
	if sourceIP == "" {
		sourceIP = r.RemoteAddr
		if host, _, err := net.SplitHostPort(sourceIP); err == nil {
			sourceIP = host
		}
	}
	return events.APIGatewayV2CustomAuthorizerV2Request{
		Version:               "2.0",
		Type:                  "REQUEST",
		RouteArn:              "arn:aws:execute-api:local:000000000000:local/$default/" + r.Method + r.URL.Path,
		IdentitySource:        []string{headers[strings.ToLower(authorizationHeader)], routeKey},
		RouteKey:              routeKey,
		RawPath:               r.URL.Path,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:  routeKey,
			Stage:     "$default",
			RequestID: logging.RequestID(r.Context()),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
}

// Authorize runs a in front of h, the handler of the route routeKey, as
// API Gateway runs a Lambda authorizer with simple responses:
//
//   - an identity source missing or empty (no Authorization header): 401
//     {"message":"Unauthorized"}, and a is not called;
//   - a fails (an error, a panic): 500 {"message":"Internal Server Error"};
//   - a answers isAuthorized false: 403 {"message":"Forbidden"};
//   - otherwise h serves the request, with the context a answered as the
//     session authorizer's verdict (principal.WithSession).
//
// The request and the answer go through JSON, as between API Gateway and
// Lambda, so that a value that would not survive the trip does not
// survive it here either.
func Authorize(a Authorizer, routeKey string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// One request id for the authorizer and the function, as API
		// Gateway gives both the same requestContext.requestId.
		r = httpapi.WithRequestID(w, r)
		if strings.TrimSpace(r.Header.Get(authorizationHeader)) == "" {
			gatewayAnswer(w, http.StatusUnauthorized)
			return
		}
		resp, err := InvokeAuthorizer(r.Context(), a, AuthorizerRequest(r, routeKey))
		switch {
		case err != nil:
			// What the authorizer function's log would show in CloudWatch.
			slog.ErrorContext(r.Context(), "authorizer failed", "route", routeKey, "error", err.Error())
			gatewayAnswer(w, http.StatusInternalServerError)
		case !resp.IsAuthorized:
			gatewayAnswer(w, http.StatusForbidden)
		default:
			ctx := principal.WithSession(r.Context(), principal.SessionFromAuthorizer(resp.Context))
			h.ServeHTTP(w, r.WithContext(ctx))
		}
	})
}

// InvokeAuthorizer calls a through Lambda's handler (JSON in, JSON out),
// as Lambda does when API Gateway invokes the authorizer function. A panic
// is an error, as a crashed invocation is for API Gateway.
func InvokeAuthorizer(ctx context.Context, a Authorizer, req events.APIGatewayV2CustomAuthorizerV2Request) (resp events.APIGatewayV2CustomAuthorizerSimpleResponse, err error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return resp, fmt.Errorf("authorizer request: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("authorizer panicked: %v", p)
		}
	}()
	out, err := lambda.NewHandler(a).Invoke(ctx, payload)
	if err != nil {
		return resp, fmt.Errorf("authorizer: %w", err)
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		return resp, fmt.Errorf("authorizer response %.200s: %w", out, err)
	}
	return resp, nil
}

// GatewayBody is the body API Gateway answers with when it answers a
// request itself with status (401, 403, 500): {"message":"Unauthorized"}...
func GatewayBody(status int) []byte {
	body, _ := json.Marshal(map[string]string{"message": http.StatusText(status)})
	return body
}

// gatewayAnswer writes API Gateway's own answer: JSON with a message, not
// the functions' problem+json.
func gatewayAnswer(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(GatewayBody(status))
}
