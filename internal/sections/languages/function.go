package languages

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/platform/httpapi"
)

// Function wires the languages function; its warnings come from the
// verification levels and statuses.
func Function(_ context.Context, d *app.Deps) (*httpapi.Router, error) {
	rt := httpapi.NewRouter()
	Mount(rt, d.AdminDocs(), VerificationGaps(d.AdminDocs()))
	return rt, nil
}
