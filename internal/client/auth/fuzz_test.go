package auth

import (
	"slices"
	"testing"
	"time"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/password"
	"clientarea/internal/client/settings"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security"
	"clientarea/internal/sections/verification/levels"
)

// fuzzSettings are the configurations a sign-up is fuzzed under: the
// defaults of a fresh table, and a strict one (email and phone confirmed,
// business clients by default, three languages, SMS only to Germany).
func fuzzSettings(t testing.TB) (lax, strict settings.Settings) {
	lax, err := settings.FromItems(nil)
	if err != nil {
		t.Fatal(err)
	}
	strict = lax
	strict.Registration = security.Registration{Confirmation: security.ConfirmEmailAndPhone, DefaultClientType: "business"}
	strict.Languages = languages.Config{Active: []languages.Active{
		{Code: "en", Enabled: true}, {Code: "de", Enabled: true}, {Code: "pt-BR", Enabled: true}, {Code: "fr"},
	}, Default: "de"}
	strict.Security.SMS.AllowedCountries = []string{"DE"}
	return lax, strict
}

// FuzzSignup: a sign-up body is a 400, a 422 naming only the body's fields
// (each once), or a client within the rules of the configuration: its
// address normalized, its password within the rules, an enabled language,
// a client type, a phone a code may go to (required when sign-ups confirm
// phones), and the confirmations the registration section asks for.
func FuzzSignup(f *testing.F) {
	lax, strict := fuzzSettings(f)
	now := time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)
	bodyFields := []string{"email", "password", "phone", "language", "type"}
	f.Fuzz(func(t *testing.T, body []byte, useStrict bool) {
		cfg := lax
		if useStrict {
			cfg = strict
		}
		var req signupRequest
		if err := httpapi.Unmarshal(body, &req); err != nil {
			if apperr.KindOf(err) != apperr.BadRequest {
				t.Fatalf("decode: %v, want a 400", err)
			}
			return
		}
		c, err := newClient(req, cfg, now)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Code != "validation_failed" && e.Code != "invalid_phone" || len(e.Fields) == 0 {
				t.Fatalf("newClient: %v, want a 422 naming fields", err)
			}
			var named []string
			for _, fe := range e.Fields {
				if !slices.Contains(bodyFields, fe.Field) || slices.Contains(named, fe.Field) || fe.Message == "" {
					t.Fatalf("names %q (%q) in %v", fe.Field, fe.Message, e.Fields)
				}
				named = append(named, fe.Field)
			}
			return
		}
		email, ok := clients.NormalizeEmail(req.Email)
		if !ok || c.Email != email {
			t.Fatalf("email %q became %q", req.Email, c.Email)
		}
		if err := password.Check(req.Password, email); err != nil {
			t.Fatalf("password %q accepted, though %v", req.Password, err)
		}
		if !cfg.Languages.IsEnabled(c.Language) {
			t.Fatalf("language %q, not enabled (asked %v)", c.Language, req.Language)
		}
		if !slices.Contains(security.ClientTypes(), c.Type) {
			t.Fatalf("type %q", c.Type)
		}
		if c.ID == "" || c.Status != levels.DefaultStatus || !c.CreatedAt.Equal(now) {
			t.Fatalf("client %+v", c)
		}
		switch {
		case c.Phone != "":
			if want, err := otp.CheckNumber(cfg.Security.OTPPolicy(), *req.Phone); err != nil || c.Phone != want {
				t.Fatalf("phone %q stored as %q; CheckNumber: %q, %v", *req.Phone, c.Phone, want, err)
			}
		case cfg.Registration.PhoneConfirmation():
			t.Fatalf("sign-ups confirm phones, and %q has none", body)
		}
		wantPhone := clients.NotRequired
		if cfg.Registration.PhoneConfirmation() {
			wantPhone = clients.Pending
		}
		wantEmail := clients.NotRequired
		if cfg.Registration.EmailConfirmation() {
			wantEmail = clients.Pending
		}
		if c.EmailState != wantEmail || c.PhoneState != wantPhone {
			t.Fatalf("email %s, phone %s; want %s, %s", c.EmailState, c.PhoneState, wantEmail, wantPhone)
		}
	})
}
