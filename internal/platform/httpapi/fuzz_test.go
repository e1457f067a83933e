package httpapi

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
)

// The request decoders every route shares, fuzzed. Seeds are in
// testdata/fuzz/<target>; `go run ./internal/devtools/fuzz` runs them all.

// fuzzDoc has a field of each shape request bodies use.
type fuzzDoc struct {
	Name  string              `json:"name"`
	Count int                 `json:"count"`
	Small int8                `json:"small"`
	Ptr   *int64              `json:"ptr"`
	Flag  bool                `json:"flag"`
	Ratio float64             `json:"ratio"`
	Tags  []string            `json:"tags"`
	List  []fuzzItem          `json:"list"`
	ByKey map[string]fuzzItem `json:"by_key"`
	Inner *fuzzItem           `json:"inner"`
}

type fuzzItem struct {
	Code string `json:"code"`
	N    *int   `json:"n"`
}

// checkBadRequest fails t unless err is the 400 a malformed body gets: code
// bad_request, a detail that says what is wrong in the client's terms (no
// Go type or package names), and no field list.
func checkBadRequest(t *testing.T, err error) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.BadRequest || e.Code != "bad_request" || len(e.Fields) != 0 {
		t.Fatalf("error %v (%T), want a 400 bad_request", err, err)
	}
	if e.Detail == "" {
		t.Fatal("a 400 without a detail")
	}
	for _, leak := range []string{"json:", "Go ", "fuzzDoc", "fuzzItem", "httpapi", "reflect", "%!"} {
		if strings.Contains(e.Detail, leak) {
			t.Fatalf("detail %q shows %q", e.Detail, leak)
		}
	}
}

// FuzzUnmarshal: whatever the body, Unmarshal accepts it or answers a
// clean 400; it answers the same way every time; and what it accepts
// survives a JSON round trip unchanged.
func FuzzUnmarshal(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var a, b fuzzDoc
		errA, errB := Unmarshal(body, &a), Unmarshal(body, &b)
		if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() {
			t.Fatalf("two decodes of one body differ: %v / %v", errA, errB)
		}
		if errA != nil {
			checkBadRequest(t, errA)
			return
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two decodes of one body differ: %+v / %+v", a, b)
		}
		if !json.Valid(bytes.TrimSpace(body)) {
			t.Fatalf("accepted a body that is not one JSON value: %q", body)
		}
		again, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var c fuzzDoc
		if err := Unmarshal(again, &c); err != nil {
			t.Fatalf("the re-encoded document %s is refused: %v", again, err)
		}
		if !reflect.DeepEqual(a, c) {
			t.Fatalf("round trip changed the document:\n%+v\n%+v", a, c)
		}
	})
}

// isJSONType is the rule the routes follow, written out independently:
// application/json or application/...+json, parameters allowed.
func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	sub, ok := strings.CutPrefix(mt, "application/")
	return ok && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// FuzzDecodeJSON: the whole read of a request body, with its declared
// type and its size. Past MaxBodyBytes it is a 400 whatever it holds; a
// body not declared as JSON is a 415 (no body and no type: the empty-body
// 400); otherwise the answer is Unmarshal's. pad adds trailing spaces, so
// that the fuzzer reaches the size limit.
func FuzzDecodeJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, contentType string, body []byte, pad uint16) {
		full := append(bytes.Clone(body), bytes.Repeat([]byte{' '}, int(pad))...)
		r := httptest.NewRequest(http.MethodPut, "/", bytes.NewReader(full))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		var got fuzzDoc
		err := DecodeJSON(httptest.NewRecorder(), r, &got)
		switch {
		case len(full) > MaxBodyBytes:
			checkBadRequest(t, err)
			if !strings.Contains(err.Error(), "exceeds") {
				t.Fatalf("a body of %d bytes: %v, want the size refusal", len(full), err)
			}
		case !(contentType == "" && len(bytes.TrimSpace(full)) == 0) && !isJSONType(contentType):
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.UnsupportedMediaType || e.Code != "unsupported_media_type" {
				t.Fatalf("Content-Type %q: %v, want 415 unsupported_media_type", contentType, err)
			}
		default:
			var want fuzzDoc
			wantErr := Unmarshal(full, &want)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("Content-Type %q: DecodeJSON %v, Unmarshal %v", contentType, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("DecodeJSON %+v, Unmarshal %+v", got, want)
			}
		}
	})
}

// FuzzExpectedVersion: If-Match (and the body's version) read as the
// contract says. Whatever is accepted is the version of an ETag the
// service sends, written exactly as it sends it (strong comparison:
// "007" is no ETag of version 7); every refusal is a 400, 412 or 428; and
// the ETag of any version, sent back, is that version.
func FuzzExpectedVersion(f *testing.F) {
	f.Fuzz(func(t *testing.T, header string, sent bool, body int64, withBody bool, del bool) {
		method := http.MethodPut
		if del {
			method = http.MethodDelete
		}
		r := httptest.NewRequest(method, "/", nil)
		if sent {
			r.Header["If-Match"] = []string{header}
		}
		var bodyVersion *int64
		if withBody {
			bodyVersion = &body
		}
		v, err := ExpectedVersion(r, bodyVersion)
		if err != nil {
			switch apperr.KindOf(err) {
			case apperr.BadRequest, apperr.PreconditionFailed, apperr.PreconditionRequired:
			default:
				t.Fatalf("If-Match %q body %v: %v is not a 400, 412 or 428", header, bodyVersion, err)
			}
		} else {
			if v < 0 {
				t.Fatalf("If-Match %q body %v: version %d", header, bodyVersion, v)
			}
			trimmed := strings.TrimSpace(header)
			if sent && trimmed != "" {
				if etag := `"` + strconv.FormatInt(v, 10) + `"`; trimmed != etag {
					t.Fatalf("If-Match %q read as version %d, whose ETag is %s", header, v, etag)
				}
			} else if bodyVersion == nil || v != body {
				t.Fatalf("no If-Match, body %v: version %d", bodyVersion, v)
			}
			if bodyVersion != nil && v != body {
				t.Fatalf("If-Match %q and body version %d: %d", header, body, v)
			}
		}
		// The ETag of a GET, sent back, names its version.
		if body >= 0 {
			rec := httptest.NewRecorder()
			SetETag(rec, body)
			back := httptest.NewRequest(http.MethodPut, "/", nil)
			back.Header.Set("If-Match", rec.Header().Get("ETag"))
			if got, err := ExpectedVersion(back, nil); err != nil || got != body {
				t.Fatalf("ETag %s sent back: %d, %v", rec.Header().Get("ETag"), got, err)
			}
		}
	})
}

// FuzzPageLimit: ?limit= is a plain whole number from 1 to MaxPageLimit,
// or a 422 naming "limit"; left out, the default.
func FuzzPageLimit(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string, present bool) {
		q := url.Values{}
		if present {
			q.Set("limit", raw)
		}
		n, err := PageLimit(q)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "limit" || e.Fields[0].Message == "" {
				t.Fatalf("limit %q: %v, want a 422 naming limit", raw, err)
			}
			return
		}
		if !present {
			if n != DefaultPageLimit {
				t.Fatalf("no limit: %d, want %d", n, DefaultPageLimit)
			}
			return
		}
		if n < 1 || n > MaxPageLimit || strconv.Itoa(n) != raw {
			t.Fatalf("limit %q accepted as %d", raw, n)
		}
	})
}
