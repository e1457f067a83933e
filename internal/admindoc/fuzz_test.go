package admindoc

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// fuzzSection is shaped like a section document: nested blocks, pointers
// for fields with defaults, lists and maps.
type fuzzSection struct {
	Clients struct {
		MaxAccounts int   `json:"max_accounts"`
		Activate    *bool `json:"activate"`
	} `json:"clients"`
	Required []string          `json:"required"`
	Minutes  *int              `json:"minutes"`
	Text     map[string]string `json:"text"`
}

func decodeFuzz(body []byte, readOnly ...string) (fuzzSection, *int64, error) {
	r := httptest.NewRequest("PUT", "/admin/config/x", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var d fuzzSection
	v, err := DecodeDocument(httptest.NewRecorder(), r, &d, readOnly...)
	return d, v, err
}

// FuzzDecodeDocument: a section's body is a 400 or a document and its
// optional version, never a server error; the version is there exactly
// when the body names one; and an answer of the document (metadata and
// annotations added, as GET and PUT answer it) sent back as it is decodes
// to the same document and version.
func FuzzDecodeDocument(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, annotated bool) {
		var readOnly []string
		if annotated {
			readOnly = []string{"warnings"}
		}
		d, v, err := decodeFuzz(body, readOnly...)
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.BadRequest || e.Code != "bad_request" || e.Detail == "" {
				t.Fatalf("error %v, want a 400 bad_request", err)
			}
			return
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
			t.Fatalf("accepted %q, which is no JSON object", body)
		}
		raw, named := fields["version"]
		if named = named && string(raw) != "null"; named != (v != nil) {
			t.Fatalf("body %q: version %v", body, v)
		}
		if var64 := new(int64); v != nil && (json.Unmarshal(raw, var64) != nil || *var64 != *v) {
			t.Fatalf("version %s accepted as %d", raw, *v)
		}

		version := int64(0)
		if v != nil && *v > 0 {
			version = *v
		}
		rec := Record[fuzzSection]{Doc: d, Meta: Meta{Version: version,
			UpdatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), UpdatedBy: "admin"}}
		var extra map[string]any
		if annotated {
			extra = map[string]any{"warnings": []map[string]string{{"language": "de", "missing": "x"}}}
		}
		w := httptest.NewRecorder()
		if err := WriteRecord(w, 200, rec, extra); err != nil {
			t.Fatalf("answer: %v", err)
		}
		back, bv, err := decodeFuzz(w.Body.Bytes(), readOnly...)
		if err != nil || bv == nil || *bv != version {
			t.Fatalf("the answer %s sent back: version %v, %v", w.Body, bv, err)
		}
		if !reflect.DeepEqual(normalizedJSON(t, back), normalizedJSON(t, d)) {
			t.Fatalf("the answer sent back decodes to %+v, not %+v", back, d)
		}
	})
}

// normalizedJSON is doc as a JSON value, so that documents compare by what
// they say (a nil and an empty map both say nothing more than "{}" does
// not; what matters is that the client's document comes back).
func normalizedJSON(t *testing.T, doc any) any {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzParsePosition: an audit id or cursor is only ever the exact encoding
// of a position the trail can hold, and every such position's encoding
// parses back to it.
func FuzzParsePosition(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, section string, nanos int64, id uint64) {
		if p, ok := parsePosition(s); ok {
			if p.String() != s || len(s) > maxPosition || p.section == "" || !validAuditSK(p.section, p.sk) {
				t.Fatalf("%q parsed as %+v", s, p)
			}
			if k := p.key(); k.PK != dynamo.AuditPartition(p.section) || k.SK != p.sk {
				t.Fatalf("%q: key %+v", s, k)
			}
		}
		// A position the trail writes: a section (no "#": section names
		// are the service's own), a time within the years RFC 3339 can
		// write, and a 16-digit hex id.
		if section == "" || strings.Contains(section, "#") {
			return
		}
		first, last := time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC).Unix(), time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
		sec := nanos % (last - first)
		if sec < 0 {
			sec += last - first
		}
		at := time.Unix(first+sec, (nanos%1e9+1e9)%1e9)
		var b [8]byte
		for i := range b {
			b[i] = byte(id >> (8 * i))
		}
		p := position{section: section, sk: dynamo.AuditKey(section, at, hex.EncodeToString(b[:])).SK}
		enc := p.String()
		got, ok := parsePosition(enc)
		switch {
		case len(enc) > maxPosition:
			if ok {
				t.Fatalf("an id of %d bytes parsed", len(enc))
			}
		case !ok || got != p:
			t.Fatalf("position %+v (%s) parsed as %+v, %v", p, enc, got, ok)
		}
	})
}
