package accounts

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/platform/httpapi"
)

// Function wires the accounts function.
func Function(_ context.Context, d *app.Deps) (*httpapi.Router, error) {
	return httpapi.NewRouter(), nil
}
