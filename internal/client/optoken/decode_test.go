package optoken

import (
	"slices"
	"testing"

	"clientarea/internal/platform/apperr"
)

func TestDecodeConsume(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		kind   apperr.Kind
		fields []string // for 422s, the fields named, in order
	}{
		{name: "complete", body: `{"token":"t","operation":"withdraw","client_id":"c-1"}`},
		{name: "empty object", body: `{}`, kind: apperr.Invalid, fields: []string{"token", "operation", "client_id"}},
		{name: "nulls", body: `{"token":null,"operation":null,"client_id":null}`, kind: apperr.Invalid, fields: []string{"token", "operation", "client_id"}},
		{name: "no client", body: `{"token":"t","operation":"withdraw"}`, kind: apperr.Invalid, fields: []string{"client_id"}},
		{name: "bad operation, no token", body: `{"operation":"Withdraw","client_id":"c"}`, kind: apperr.Invalid, fields: []string{"token", "operation"}},
		{name: "unknown field", body: `{"token":"t","operation":"withdraw","client_id":"c","amount":1}`, kind: apperr.BadRequest},
		{name: "misspelled field", body: `{"Token":"t","operation":"withdraw","client_id":"c"}`, kind: apperr.BadRequest},
		{name: "number", body: `{"token":1,"operation":"withdraw","client_id":"c"}`, kind: apperr.BadRequest},
		{name: "trailing data", body: `{"token":"t","operation":"withdraw","client_id":"c"} {}`, kind: apperr.BadRequest},
		{name: "empty", body: ``, kind: apperr.BadRequest},
		{name: "array", body: `[]`, kind: apperr.BadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeConsume([]byte(c.body))
			if c.kind == apperr.Internal { // success expected
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != c.kind {
				t.Fatalf("error %v, want kind %d", err, c.kind)
			}
			var named []string
			for _, f := range e.Fields {
				named = append(named, f.Field)
			}
			if !slices.Equal(named, c.fields) {
				t.Fatalf("fields %v, want %v", named, c.fields)
			}
		})
	}
}

// Whatever the body, decoding answers a request or a 400/422, never
// anything else, and a request it lets through is complete.
func FuzzDecodeConsume(f *testing.F) {
	for _, s := range []string{
		`{"token":"t","operation":"withdraw","client_id":"c-1"}`, `{}`, `{"operation":"A"}`,
		`{"token":"","operation":"","client_id":""}`, `[`, `null`, `{"token":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeConsume(body)
		if err == nil {
			if req.Token == "" || req.ClientID == "" || ValidateOperation(req.Operation) != nil {
				t.Fatalf("accepted an incomplete request %+v", req)
			}
			return
		}
		e, ok := apperr.As(err)
		if !ok || (e.Kind != apperr.BadRequest && e.Kind != apperr.Invalid) {
			t.Fatalf("error %v, want a 400 or a 422", err)
		}
		for _, fe := range e.Fields {
			if fe.Field != "token" && fe.Field != "operation" && fe.Field != "client_id" {
				t.Fatalf("names field %q", fe.Field)
			}
		}
	})
}
