package otp

import (
	"bytes"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
)

// FuzzReadAnswer: the body of every route that takes a code back is a
// complete answer (a code, and the challenge id where the path does not
// name it) or a 400, 415 or 422 naming only the answer's fields.
func FuzzReadAnswer(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, withID bool, contentType string) {
		r := httptest.NewRequest("POST", "/auth/login/verify", bytes.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		a, err := ReadAnswer(httptest.NewRecorder(), r, withID)
		if err == nil {
			if a.Code == "" || withID && a.ChallengeID == "" {
				t.Fatalf("accepted an incomplete answer %+v (with id: %v)", a, withID)
			}
			return
		}
		e, ok := apperr.As(err)
		if !ok {
			t.Fatalf("error %v is no client error", err)
		}
		switch e.Kind {
		case apperr.BadRequest, apperr.UnsupportedMediaType:
		case apperr.Invalid:
			if len(e.Fields) == 0 {
				t.Fatalf("a 422 naming no field: %v", err)
			}
			for _, fe := range e.Fields {
				if fe.Field != "code" && (fe.Field != "challenge_id" || !withID) || fe.Message == "" {
					t.Fatalf("names field %q (%q), with id: %v", fe.Field, fe.Message, withID)
				}
			}
		default:
			t.Fatalf("error %v, want a 400, 415 or 422", err)
		}
	})
}

// FuzzCheckNumber: a number a flow stores before it sends a code to it
// (a sign-up's) is refused with 422 invalid_phone naming "phone", or is
// what Normalize makes of it: a mobile (or NANP fixed-line-or-mobile)
// number of a country, among the allowed ones when the section lists
// some; checked again, it stays as it is.
func FuzzCheckNumber(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string, allowed string) {
		var pol Policy
		if allowed != "" {
			pol.AllowedCountries = strings.Split(allowed, ",")
		}
		got, err := CheckNumber(pol, raw)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Code != "invalid_phone" || len(e.Fields) != 1 ||
				e.Fields[0].Field != "phone" || e.Fields[0].Message == "" {
				t.Fatalf("CheckNumber(%q): %v, want 422 invalid_phone naming phone", raw, err)
			}
			return
		}
		if want, err := phone.Normalize(raw, ""); err != nil || got != want {
			t.Fatalf("CheckNumber(%q) = %q; Normalize: %q, %v", raw, got, want, err)
		}
		region, err := phone.Region(got)
		if err != nil || region == "" || region == "001" {
			t.Fatalf("CheckNumber(%q) = %q of region %q, %v", raw, got, region, err)
		}
		if len(pol.AllowedCountries) > 0 && !slices.Contains(pol.AllowedCountries, region) {
			t.Fatalf("CheckNumber(%q) = %q of %s, allowed only %v", raw, got, region, pol.AllowedCountries)
		}
		if typ, err := phone.Type(got); err != nil || typ != phone.Mobile && typ != phone.FixedLineOrMobile {
			t.Fatalf("CheckNumber(%q) = %q, a %v number (%v)", raw, got, typ, err)
		}
		if again, err := CheckNumber(pol, got); err != nil || again != got {
			t.Fatalf("CheckNumber(%q) = %q, then %q, %v", raw, got, again, err)
		}
	})
}
