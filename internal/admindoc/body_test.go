package admindoc

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/apperr"
)

type doc struct {
	N int    `json:"n"`
	S string `json:"s"`
}

func decode(body string, readOnly ...string) (doc, *int64, error) {
	r := httptest.NewRequest("PUT", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var d doc
	v, err := DecodeDocument(httptest.NewRecorder(), r, &d, readOnly...)
	return d, v, err
}

func TestDecodeDocumentTakesBackAnAnswer(t *testing.T) {
	d, v, err := decode(`{"n":1,"s":"x","version":3,"updated_at":"2026-01-01T00:00:00Z","updated_by":"ops","warnings":[]}`, "warnings")
	if err != nil || d.N != 1 || d.S != "x" || v == nil || *v != 3 {
		t.Fatalf("got %+v version %v err %v", d, v, err)
	}
	if _, v, err := decode(`{"n":1,"version":null}`); err != nil || v != nil {
		t.Fatalf("a null version is no version: %v %v", v, err)
	}
}

func TestDecodeDocumentRefusals(t *testing.T) {
	cases := map[string]string{
		`null`:                 "the body must be a JSON object",
		`[]`:                   "object",
		`{"n":1,"warnings":1}`: `unknown field "warnings"`, // read-only only where the definition says so
		`{"version":"3"}`:      "field version must be an integer",
		`{"n":"1"}`:            "field n must be",
	}
	for body, want := range cases {
		_, _, err := decode(body)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.BadRequest || !strings.Contains(e.Detail, want) {
			t.Errorf("%s: got %v, want a 400 saying %q", body, err, want)
		}
	}
}

func TestWriteRecordMergesMetadata(t *testing.T) {
	rec := httptest.NewRecorder()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	err := WriteRecord(rec, 200, Record[doc]{Doc: doc{N: 2}, Meta: Meta{Version: 4, UpdatedAt: at, UpdatedBy: "ops"}}, map[string]any{"warnings": []string{}})
	want := `{"n":2,"s":"","updated_at":"2026-03-01T09:00:00Z","updated_by":"ops","version":4,"warnings":[]}`
	if err != nil || strings.TrimSpace(rec.Body.String()) != want || rec.Header().Get("ETag") != `"4"` {
		t.Fatalf("%v %s ETag %s", err, rec.Body, rec.Header().Get("ETag"))
	}
	// Never saved: only the version.
	rec = httptest.NewRecorder()
	_ = WriteRecord(rec, 200, Record[doc]{}, nil)
	if got := strings.TrimSpace(rec.Body.String()); got != `{"n":0,"s":"","version":0}` {
		t.Fatalf("unsaved %s", got)
	}
}

func TestMergeFieldsRefusesNonObjects(t *testing.T) {
	_, err := mergeFields([]int{1}, nil)
	if err == nil || strings.Contains(err.Error(), "<nil>") || !strings.Contains(err.Error(), "not as a JSON object") {
		t.Fatalf("got %v", err)
	}
}

// A section is a collection of one built-in item: its name is its label
// and its defaults are the built-in document.
func TestASectionIsOneBuiltinItem(t *testing.T) {
	def := Definition[doc]{Section: "general", Normalize: func(d *doc) {
		if d.N == 0 {
			d.N = 60
		}
	}}.resolved()
	if def.Path != "/admin/config/general" || def.Audit != "general" || def.Key("anything").SK != "SECTION#general" {
		t.Fatalf("resolved %+v", def)
	}
	if b, ok := def.builtin("general"); !ok || b.N != 60 {
		t.Fatalf("builtin %v %v", b, ok)
	}
	if def.ValidLabel("other") || !def.ValidLabel("general") {
		t.Fatal("a section has exactly one label")
	}
}
