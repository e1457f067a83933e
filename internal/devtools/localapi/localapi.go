// Package localapi runs the functions the way the deployed HTTP API runs
// them, for the dev server, the invoker and the handler tests: a route
// that template.yaml guards with a Lambda authorizer has that authorizer's
// function run in front of its handler (Guard), and an event for such a
// route goes through the authorizer first unless it already carries the
// context the authorizer would have added (Invoke). The authorizer is the
// real function, built like any other, and app.Authorize runs it as API
// Gateway does.
//
// A route authorized by IAM (Authorizer: AWS_IAM) has no function in
// front of it in AWS either: API Gateway checks the SigV4 signature and
// the caller's execute-api:Invoke permission itself. There is no IAM
// locally, so such a route reaches its handler as it is, and the
// handler's own check of the calling service (principal.RequireService)
// takes the dev service token instead: without credentials it answers
// 401.
package localapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/httpapi"
)

// Functions builds functions by name.
type Functions interface {
	// Handler is the named HTTP function's handler as Lambda runs it,
	// with nothing of API Gateway in front of it.
	Handler(name string) (http.Handler, error)
	// Authorizer is the named authorizer function.
	Authorizer(name string) (app.Authorizer, error)
}

// Registry is Functions built by the registry from d. Each authorizer is
// built once, however many functions' routes it guards.
func Registry(ctx context.Context, d *app.Deps) Functions {
	return &registryFunctions{ctx: ctx, deps: d, authorizers: map[string]app.Authorizer{}}
}

type registryFunctions struct {
	ctx         context.Context
	deps        *app.Deps
	mu          sync.Mutex
	authorizers map[string]app.Authorizer
}

// Handler builds the named function as a Lambda cold start does
// (app.Cold): a dependency that is only unavailable makes it answer 503
// until it can be built, rather than fail.
func (f *registryFunctions) Handler(name string) (http.Handler, error) {
	return app.Cold(f.ctx, name, f.deps, func(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
		return registry.Build(ctx, name, d)
	})
}

func (f *registryFunctions) Authorizer(name string) (app.Authorizer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.authorizers[name]; ok {
		return a, nil
	}
	a, err := registry.Authorizer(f.ctx, name, f.deps)
	if err != nil {
		return nil, err
	}
	f.authorizers[name] = a
	return a, nil
}

// IsAuthorizerFunction reports whether the template function fn backs
// one of the HTTP API's Lambda authorizers.
func IsAuthorizerFunction(tpl *samtemplate.Template, fn string) bool {
	for _, a := range tpl.LambdaAuthorizers {
		if a.Function == fn {
			return true
		}
	}
	return false
}

// identitySource is the one configuration of a Lambda authorizer that
// app.Authorize and app.AuthorizerRequest reproduce: payload format 2.0,
// simple responses, identified by the Authorization header and the route.
var identitySource = []string{"$request.header.Authorization", "$context.routeKey"}

// Supported fails unless the local tools run a as API Gateway does.
func Supported(a samtemplate.LambdaAuthorizer) error {
	if a.PayloadFormatVersion != "2.0" || !a.SimpleResponses || !slices.Equal(a.IdentitySource(), identitySource) {
		return fmt.Errorf("Lambda authorizer %s: the local tools run only authorizers with payload format 2.0, simple responses and identity sources %v (app.Authorize); it has %s, simple responses %v, %v",
			a.Name, identitySource, a.PayloadFormatVersion, a.SimpleResponses, a.IdentitySource())
	}
	return nil
}

// Guard returns h, the handler of the template function fn, with each of
// fn's routes that a Lambda authorizer guards behind that authorizer
// (app.Authorize). Its other routes (anonymous, JWT- or IAM-authorized
// ones), and every path none of them matches, reach h as they are.
func Guard(tpl *samtemplate.Template, fn string, h http.Handler, fns Functions) (http.Handler, error) {
	f, ok := tpl.Function(fn)
	if !ok {
		return nil, fmt.Errorf("no function %q in template.yaml", fn)
	}
	var mux *http.ServeMux
	for _, r := range f.Routes {
		la, guarded := tpl.LambdaAuthorizerOf(r)
		if !guarded {
			continue
		}
		if err := Supported(la); err != nil {
			return nil, err
		}
		a, err := fns.Authorizer(la.Function)
		if err != nil {
			return nil, fmt.Errorf("authorizer %s of %s: %w", la.Name, r.Pattern(), err)
		}
		if mux == nil {
			mux = http.NewServeMux()
			mux.Handle("/", h)
		}
		mux.Handle(r.Pattern(), app.Authorize(a, r.Pattern(), h))
	}
	if mux == nil {
		return h, nil
	}
	return mux, nil
}

// Invoke runs one Lambda event through the template function fn as the
// deployed stack would, and returns the function's (or API Gateway's)
// answer:
//
//   - fn is an authorizer function: payload is an authorizer request,
//     and the answer is the authorizer's response;
//   - the event's route is one of fn's that a Lambda authorizer guards:
//     if the event carries requestContext.authorizer.lambda it reaches
//     fn as it is (sample events carry what the authorizer would add);
//     otherwise the authorizer runs on the request first, as
//     app.Authorize runs it, and its context is added to the event, or
//     API Gateway's refusal is the answer;
//   - otherwise (an anonymous, JWT- or IAM-authorized route, whose
//     authorizer is API Gateway's own) the event goes straight to fn's
//     Lambda handler, with whatever requestContext.authorizer it carries.
func Invoke(ctx context.Context, tpl *samtemplate.Template, fns Functions, fn string, payload []byte) ([]byte, error) {
	f, ok := tpl.Function(fn)
	if !ok {
		return nil, fmt.Errorf("no function %q in template.yaml", fn)
	}
	if IsAuthorizerFunction(tpl, fn) {
		a, err := fns.Authorizer(fn)
		if err != nil {
			return nil, err
		}
		return lambda.NewHandler(a).Invoke(ctx, payload)
	}
	h, err := fns.Handler(fn)
	if err != nil {
		return nil, err
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &ev); err == nil {
		if la, guarded := guardOf(tpl, f, ev); guarded && !carriesVerdict(ev) {
			if err := Supported(la); err != nil {
				return nil, err
			}
			a, err := fns.Authorizer(la.Function)
			if err != nil {
				return nil, err
			}
			var refused []byte
			if payload, refused, err = authorizeEvent(ctx, a, ev, payload); err != nil || refused != nil {
				return refused, err
			}
		}
	}
	return lambda.NewHandler(app.LambdaHandler(h)).Invoke(ctx, payload)
}

// guardOf is the Lambda authorizer guarding the event's route, when the
// route is one of f's.
func guardOf(tpl *samtemplate.Template, f samtemplate.Function, ev events.APIGatewayV2HTTPRequest) (samtemplate.LambdaAuthorizer, bool) {
	key := ev.RouteKey
	if key == "" {
		key = ev.RequestContext.RouteKey
	}
	for _, r := range f.Routes {
		if r.Pattern() == key {
			return tpl.LambdaAuthorizerOf(r)
		}
	}
	return samtemplate.LambdaAuthorizer{}, false
}

func carriesVerdict(ev events.APIGatewayV2HTTPRequest) bool {
	return ev.RequestContext.Authorizer != nil && ev.RequestContext.Authorizer.Lambda != nil
}

// authorizeEvent runs a on the event's request. It returns the event with
// the authorizer's context added, or API Gateway's own answer (refused)
// when the request has no token, the authorizer fails or refuses.
func authorizeEvent(ctx context.Context, a app.Authorizer, ev events.APIGatewayV2HTTPRequest, payload []byte) (out, refused []byte, err error) {
	r, err := eventRequest(ctx, ev)
	if err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(r.Header.Get("Authorization")) == "" {
		return nil, gatewayResponse(http.StatusUnauthorized), nil
	}
	req := app.AuthorizerRequest(r, ev.RouteKey)
	// What the event says about itself, as API Gateway would tell both.
	req.PathParameters = ev.PathParameters
	req.StageVariables = ev.StageVariables
	rc := ev.RequestContext
	rc.Authorizer = nil
	req.RequestContext = rc
	req.RouteArn = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s%s", samtemplate.TestRegion, orDefault(rc.AccountID, samtemplate.TestAccount),
		orDefault(rc.APIID, "local"), orDefault(rc.Stage, "$default"), rc.HTTP.Method, ev.RawPath)
	resp, err := app.InvokeAuthorizer(ctx, a, req)
	switch {
	case err != nil:
		return nil, gatewayResponse(http.StatusInternalServerError), nil
	case !resp.IsAuthorized:
		return nil, gatewayResponse(http.StatusForbidden), nil
	}
	var event map[string]any
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, nil, fmt.Errorf("event: %w", err)
	}
	reqCtx, _ := event["requestContext"].(map[string]any)
	if reqCtx == nil {
		reqCtx = map[string]any{}
		event["requestContext"] = reqCtx
	}
	authz, _ := reqCtx["authorizer"].(map[string]any)
	if authz == nil {
		authz = map[string]any{}
		reqCtx["authorizer"] = authz
	}
	lambdaCtx := resp.Context
	if lambdaCtx == nil {
		lambdaCtx = map[string]any{}
	}
	authz["lambda"] = lambdaCtx
	out, err = json.Marshal(event)
	return out, nil, err
}

// eventRequest is the HTTP request an HTTP API event stands for, as far as
// an authorizer sees it.
func eventRequest(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	target := ev.RawPath
	if target == "" {
		target = ev.RequestContext.HTTP.Path
	}
	if ev.RawQueryString != "" {
		target += "?" + ev.RawQueryString
	}
	if ip := ev.RequestContext.HTTP.SourceIP; ip != "" {
		ctx = httpapi.WithSourceIP(ctx, ip)
	}
	r, err := http.NewRequestWithContext(ctx, ev.RequestContext.HTTP.Method, target, nil)
	if err != nil {
		return nil, fmt.Errorf("event request: %w", err)
	}
	for k, v := range ev.Headers {
		r.Header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	r.Host = orDefault(r.Header.Get("Host"), ev.RequestContext.DomainName)
	r.RemoteAddr = net.JoinHostPort(ev.RequestContext.HTTP.SourceIP, "0")
	if ev.RequestContext.HTTP.Protocol != "" {
		r.Proto = ev.RequestContext.HTTP.Protocol
	}
	return r, nil
}

// gatewayResponse is API Gateway's own answer with status, as the HTTP
// API response a Lambda invocation returns.
func gatewayResponse(status int) []byte {
	out, _ := json.Marshal(events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"content-type": "application/json"},
		Body:       string(app.GatewayBody(status)),
	})
	return out
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
