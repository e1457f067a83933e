// Package ruletest runs table-driven tests of a document's rules without a
// database: decode the JSON an admin would send, Normalize, Validate, and
// compare with the normalized document or the exact list of bad fields.
// The document is decoded as the HTTP layer decodes it (unknown fields are
// refused), so "left out" and "null" mean what they mean over HTTP.
package ruletest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"clientarea/internal/platform/apperr"
)

// Case is one document and what its rules make of it: either Want, the
// normalized document (which must then pass validation), or Fields, the
// fields the 422 answer names, in order, with its Code.
type Case struct {
	Name   string
	In     string   // the document as sent, JSON
	Want   string   // valid: the normalized document, JSON
	Fields []string // invalid: the bad fields, in the order they are named
	Code   string   // invalid: the problem code; "" means validation_failed
}

// Run runs every case as a subtest. A valid document must also normalize
// to itself again (GET normalizes what was stored), and an invalid one must
// name a field at all.
func Run[T any](t *testing.T, normalize func(*T), validate func(T) error, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			if (c.Want == "") == (len(c.Fields) == 0) {
				t.Fatal("a case says either Want or Fields")
			}
			doc := Decode[T](t, c.In)
			normalize(&doc)
			err := validate(doc)
			if c.Want == "" {
				ExpectFields(t, err, c.Code, c.Fields...)
				return
			}
			if err != nil {
				t.Fatalf("valid document refused: %v", err)
			}
			ExpectJSON(t, doc, c.Want)
			again := Decode[T](t, string(marshal(t, doc)))
			normalize(&again)
			ExpectJSON(t, again, c.Want)
		})
	}
}

// Decode decodes a document strictly, as a request body is decoded.
func Decode[T any](t testing.TB, in string) T {
	t.Helper()
	var doc T
	dec := json.NewDecoder(bytes.NewReader([]byte(in)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode %s: %v", in, err)
	}
	return doc
}

// ExpectJSON fails t unless doc marshals to the same JSON value as want
// (key order and spacing aside).
func ExpectJSON(t testing.TB, doc any, want string) {
	t.Helper()
	got := marshal(t, doc)
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("normalized:\n got %s\nwant %s", got, want)
	}
}

// ExpectFields fails t unless err is a 422 with code ("" means
// validation_failed) naming exactly fields, in order, each with a message.
func ExpectFields(t testing.TB, err error, code string, fields ...string) *apperr.Error {
	t.Helper()
	if code == "" {
		code = "validation_failed"
	}
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("want a 422 %s naming %v, got %v", code, fields, err)
	}
	if e.Kind != apperr.Invalid || e.Code != code {
		t.Fatalf("kind %d code %q, want Invalid %q (%v)", e.Kind, e.Code, code, err)
	}
	if got := Fields(err); !slices.Equal(got, fields) {
		t.Fatalf("bad fields %q, want %q\n%s", got, fields, messages(e))
	}
	for _, f := range e.Fields {
		if f.Message == "" {
			t.Fatalf("field %s named without a message", f.Field)
		}
	}
	return e
}

// Fields lists the fields an error names, in order; nil for other errors.
func Fields(err error) []string {
	e, ok := apperr.As(err)
	if !ok {
		return nil
	}
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Field
	}
	return out
}

func messages(e *apperr.Error) string {
	var b bytes.Buffer
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "  %s: %s\n", f.Field, f.Message)
	}
	return b.String()
}

func marshal(t testing.TB, doc any) []byte {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
