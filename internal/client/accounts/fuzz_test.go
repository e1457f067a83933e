package accounts

import (
	"slices"
	"testing"

	"clientarea/internal/i18n/currencies"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

// FuzzOpenRequest: the body of POST /me/accounts is a 400, a 422 naming
// kind and then currency (each at most once), or a live or demo account
// in a current ISO 4217 currency.
func FuzzOpenRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var req openRequest
		if err := httpapi.Unmarshal(body, &req); err != nil {
			if apperr.KindOf(err) != apperr.BadRequest {
				t.Fatalf("decode: %v, want a 400", err)
			}
			return
		}
		err := checkSpec(req.Kind, req.Currency)
		if err == nil {
			if req.Kind != Live && req.Kind != Demo || !currencies.Valid(req.Currency) {
				t.Fatalf("accepted %+v", req)
			}
			return
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || e.Code != "validation_failed" {
			t.Fatalf("checkSpec(%+v): %v, want a 422", req, err)
		}
		var want []string
		if req.Kind != Live && req.Kind != Demo {
			want = append(want, "kind")
		}
		if !currencies.Valid(req.Currency) {
			want = append(want, "currency")
		}
		var got []string
		for _, fe := range e.Fields {
			if fe.Message == "" {
				t.Fatalf("field %s named without a message", fe.Field)
			}
			got = append(got, fe.Field)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("checkSpec(%+v) names %v, want %v", req, got, want)
		}
	})
}
