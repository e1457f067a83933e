// Package functions is the registry of every function, by name: what the
// local dev server, the invoker and the tests build handlers from. A Lambda
// entry point does not import it; it calls its own Builder, so that its
// binary holds only its own code.
package registry

import (
	"context"
	"fmt"
	"sort"

	"clientarea/internal/app"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/documents"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security"
	"clientarea/internal/sections/verification"
)

// builders maps each function's name (its folder under functions/, and its
// template.yaml logical id without the "Function" suffix) to its wiring.
var builders = map[string]app.Builder{
	"general":      general.Function,
	"documents":    documents.Function,
	"verification": verification.Function,
	"languages":    languages.Function,
	"security":     security.Function,
}

// Names lists the registered functions, sorted.
func Names() []string {
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Build returns the handler of the named function.
func Build(ctx context.Context, name string, d *app.Deps) (*httpapi.Router, error) {
	build, ok := builders[name]
	if !ok {
		return nil, fmt.Errorf("no function named %q (known: %v)", name, Names())
	}
	return build(ctx, d)
}
