package verification

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/i18n/translator"
	"clientarea/internal/platform/httpapi"
)

// Function wires the verification function. Machine translation is on when
// the configuration says so (TRANSLATE_ENABLED in AWS, TRANSLATE_ENDPOINT
// locally); otherwise its route answers 503.
func Function(_ context.Context, d *app.Deps) (*httpapi.Router, error) {
	var tr translator.Translator
	if d.Config.TranslateEnabled {
		tr = translator.NewAWS(d.AWS, d.Config.TranslateEndpoint)
	}
	rt := httpapi.NewRouter()
	Mount(rt, d.AdminDocs(), tr)
	return rt, nil
}
