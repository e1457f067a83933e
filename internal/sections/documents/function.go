package documents

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/platform/httpapi"
)

// Function wires the documents function: the section on its routes.
func Function(ctx context.Context, d *app.Deps) (*httpapi.Router, error) {
	return app.SectionFunction(Section())(ctx, d)
}
