// Package registry is the registry of every function, by name: what the
// local dev server, the invoker and the tests build handlers from. A Lambda
// entry point does not import it; it calls its own Builder, so that its
// binary holds only its own code.
package registry

import (
	"context"
	"fmt"
	"sort"

	"clientarea/internal/app"
	"clientarea/internal/client/accounts"
	"clientarea/internal/client/auth"
	"clientarea/internal/client/clientadmin"
	"clientarea/internal/client/me"
	"clientarea/internal/client/session"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/documents"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security/testsms"
	"clientarea/internal/sections/verification"
)

// builders maps each function's name (its folder under functions/, and its
// template.yaml logical id without the "Function" suffix) to its wiring.
var builders = map[string]app.Builder{
	"general":      general.Function,
	"documents":    documents.Function,
	"verification": verification.Function,
	"languages":    languages.Function,
	"security":     testsms.Function,
	"auth":         auth.Function,
	"me":           me.Function,
	"accounts":     accounts.Function,
	"clients":      clientadmin.Function,
}

// authorizers maps each authorizer function's name (a Lambda authorizer of
// the HTTP API, with no route of its own) to its wiring.
var authorizers = map[string]app.AuthorizerBuilder{
	"authorizer": session.Function,
}

// Names lists every registered function, HTTP and authorizer, sorted.
func Names() []string {
	names := make([]string, 0, len(builders)+len(authorizers))
	for n := range builders {
		names = append(names, n)
	}
	for n := range authorizers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsAuthorizer reports whether name is an authorizer function.
func IsAuthorizer(name string) bool {
	_, ok := authorizers[name]
	return ok
}

// Build returns the handler of the named function.
func Build(ctx context.Context, name string, d *app.Deps) (*httpapi.Router, error) {
	build, ok := builders[name]
	if !ok {
		if IsAuthorizer(name) {
			return nil, fmt.Errorf("function %q is an authorizer, not an HTTP function: build it with Authorizer", name)
		}
		return nil, fmt.Errorf("no function named %q (known: %v)", name, Names())
	}
	return build(ctx, d)
}

// Authorizer returns the named authorizer function.
func Authorizer(ctx context.Context, name string, d *app.Deps) (app.Authorizer, error) {
	build, ok := authorizers[name]
	if !ok {
		if _, isHTTP := builders[name]; isHTTP {
			return nil, fmt.Errorf("function %q is an HTTP function, not an authorizer: build it with Build", name)
		}
		return nil, fmt.Errorf("no authorizer function named %q (known: %v)", name, Names())
	}
	return build(ctx, d)
}
