package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/logtest"
)

func TestUnmarshalRejectsWhatTheContractRejects(t *testing.T) {
	type doc struct {
		N int `json:"n"`
	}
	cases := map[string]string{
		"":            "empty",
		"{":           "ends early",
		`{"n":"x"}`:   "field n must be an integer",
		`{"m":1}`:     `unknown field "m"`,
		`{"n":1} [1]`: "data after",
		`[]`:          "the body must be an object, not array",
		`"x"`:         "the body must be an object, not string",
	}
	for body, want := range cases {
		var d doc
		err := Unmarshal([]byte(body), &d)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.BadRequest || e.Code != "bad_request" {
			t.Fatalf("%q: got %v, want a bad_request", body, err)
		}
		if !strings.Contains(e.Detail, want) {
			t.Errorf("%q: detail %q does not say %q", body, e.Detail, want)
		}
	}
}

func TestExpectedVersion(t *testing.T) {
	v := func(n int64) *int64 { return &n }
	cases := []struct {
		header string
		body   *int64
		want   int64
		kind   apperr.Kind
		fails  bool
	}{
		{header: `"3"`, want: 3},
		{header: ` "0" `, want: 0},
		{body: v(2), want: 2},
		{header: `"2"`, body: v(2), want: 2},
		{fails: true, kind: apperr.PreconditionRequired},
		{header: "*", fails: true, kind: apperr.PreconditionRequired},
		// If-Match compares strongly: a weak tag never matches.
		{header: `W/"4"`, fails: true, kind: apperr.PreconditionFailed},
		{header: `W/"4"`, body: v(4), fails: true, kind: apperr.PreconditionFailed},
		{header: `5`, fails: true, kind: apperr.BadRequest},
		{header: `"5`, fails: true, kind: apperr.BadRequest},
		{header: `W/5`, fails: true, kind: apperr.BadRequest},
		{header: `"+5"`, fails: true, kind: apperr.BadRequest},
		{header: `"-1"`, fails: true, kind: apperr.BadRequest},
		{header: `""`, fails: true, kind: apperr.BadRequest},
		{header: `"1", "2"`, fails: true, kind: apperr.BadRequest},
		{header: `"99999999999999999999"`, fails: true, kind: apperr.BadRequest},
		{header: `"abc"`, fails: true, kind: apperr.BadRequest},
		{header: `"3"`, body: v(2), fails: true, kind: apperr.BadRequest},
		{body: v(-1), fails: true, kind: apperr.BadRequest},
	}
	for _, c := range cases {
		r := httptest.NewRequest("PUT", "/", nil)
		if c.header != "" {
			r.Header.Set("If-Match", c.header)
		}
		got, err := ExpectedVersion(r, c.body)
		if c.fails {
			if apperr.KindOf(err) != c.kind || err == nil {
				t.Errorf("If-Match %q body %v: err %v, want kind %d", c.header, c.body, err, c.kind)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("If-Match %q body %v: %d, %v; want %d", c.header, c.body, got, err, c.want)
		}
	}
}

func TestInternalErrorsAreNotShown(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(t.Context(), rec, apperr.Internalf("load", errString("secret SDK detail")))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatal("problem content type missing")
	}
}

func TestRetryAfterRoundsUp(t *testing.T) {
	rec := httptest.NewRecorder()
	e := apperr.New(apperr.RateLimited, "rate_limited", "slow down")
	e.RetryAfter = 1500_000_000
	WriteError(t.Context(), rec, e)
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("%d Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestWeakIfMatchIsAVersionConflict(t *testing.T) {
	r := httptest.NewRequest("PUT", "/", nil)
	r.Header.Set("If-Match", `W/"6"`)
	_, err := ExpectedVersion(r, nil)
	if e, ok := apperr.As(err); !ok || e.Code != "version_conflict" || statusOf(e.Kind) != 412 {
		t.Fatalf("error %v, want 412 version_conflict", err)
	}
}

func TestEveryKindHasAStatus(t *testing.T) {
	for _, k := range apperr.Kinds() {
		if _, ok := statuses[k]; !ok {
			t.Errorf("Kind %d has no HTTP status in the table", k)
		}
	}
	if got := statusOf(apperr.Kind(99)); got != 500 {
		t.Errorf("an unknown Kind answers %d, want 500", got)
	}
	rec := httptest.NewRecorder()
	WriteError(t.Context(), rec, apperr.New(apperr.Kind(99), "odd", "a detail nobody vetted"))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal"`) || strings.Contains(rec.Body.String(), "vetted") {
		t.Fatalf("unknown Kind answered %d %s", rec.Code, rec.Body)
	}
}

func TestServerErrorsAreLoggedOnceWithTheirCause(t *testing.T) {
	unavailable := apperr.New(apperr.Unavailable, "sms_unavailable", "the SMS could not be sent")
	cases := []struct {
		name      string
		err       error
		status    int
		code, op  string
		causeText string
	}{
		{"503 with its cause", fmt.Errorf("issue code: %w", unavailable.Because("sns publish", errString("ThrottlingException: rate exceeded"))),
			503, "sms_unavailable", "sns publish", "issue code: sns publish: sms_unavailable: the SMS could not be sent: ThrottlingException: rate exceeded"},
		{"internal", apperr.Internalf("load section", errString("connection reset")), 500, "internal", "load section", "load section: internal: connection reset"},
		{"plain error", errString("boom"), 500, "internal", "", "boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines := logtest.Capture(t, func() { WriteError(t.Context(), httptest.NewRecorder(), c.err) })
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1: %v", len(lines), lines)
			}
			l := lines[0]
			if l["level"] != "ERROR" || l["status"] != float64(c.status) || l["code"] != c.code || l["op"] != c.op || l["error"] != c.causeText {
				t.Fatalf("log line %v", l)
			}
		})
	}
	lines := logtest.Capture(t, func() {
		WriteError(t.Context(), httptest.NewRecorder(), apperr.New(apperr.NotFound, "not_found", "no such level"))
	})
	if len(lines) != 1 || lines[0]["level"] != "DEBUG" || lines[0]["code"] != "not_found" {
		t.Fatalf("a 404 logged %v, want one debug line", lines)
	}
}

func TestAPanicIsLoggedOnce(t *testing.T) {
	rt := NewRouter()
	rt.Handle("GET /boom", func(http.ResponseWriter, *http.Request) error { panic("nil map") })
	rec := httptest.NewRecorder()
	lines := logtest.Capture(t, func() { rt.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil)) })
	var errors []map[string]any
	for _, l := range lines {
		if l["level"] == "ERROR" {
			errors = append(errors, l)
		}
	}
	if rec.Code != 500 || len(errors) != 1 || errors[0]["error"] != "panic: internal: nil map" {
		t.Fatalf("status %d, error lines %v", rec.Code, errors)
	}
}

func TestBodiesMustBeDeclaredAsJSON(t *testing.T) {
	cases := []struct {
		contentType, body string
		code              string // "" when the body is accepted
	}{
		{"application/json", `{"n":1}`, ""},
		{"application/json; charset=utf-8", `{"n":1}`, ""},
		{"Application/JSON", `{"n":1}`, ""},
		{"application/merge-patch+json", `{"n":1}`, ""},
		{"", "", "bad_request"}, // no body, no type: "the request body is empty"
		{"", "  ", "bad_request"},
		{"", `{"n":1}`, "unsupported_media_type"},
		{"application/x-www-form-urlencoded", `{"n":1}`, "unsupported_media_type"},
		{"text/plain", `{"n":1}`, "unsupported_media_type"},
		{"text/json", `{"n":1}`, "unsupported_media_type"},
		{"application/jsonx", `{"n":1}`, "unsupported_media_type"},
		{"json", `{"n":1}`, "unsupported_media_type"}, // no media type
		{"text/plain", ``, "unsupported_media_type"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("PUT", "/", strings.NewReader(c.body))
		if c.contentType != "" {
			r.Header.Set("Content-Type", c.contentType)
		}
		var v struct {
			N int `json:"n"`
		}
		err := DecodeJSON(httptest.NewRecorder(), r, &v)
		if c.code == "" {
			if err != nil || v.N != 1 {
				t.Errorf("%q %q: %v", c.contentType, c.body, err)
			}
			continue
		}
		if got := apperr.CodeOf(err); got != c.code {
			t.Errorf("%q %q: error %v, want %s", c.contentType, c.body, err, c.code)
		}
		if c.code == "unsupported_media_type" && statusOf(apperr.KindOf(err)) != 415 {
			t.Errorf("%q %q: status %d, want 415", c.contentType, c.body, statusOf(apperr.KindOf(err)))
		}
	}
}

// Field names are matched exactly, at any depth: encoding/json alone would
// accept {"N": 1} for the field "n".
func TestUnmarshalMatchesFieldNamesExactly(t *testing.T) {
	type inner struct {
		Code string `json:"code"`
	}
	type doc struct {
		N      int              `json:"n"`
		List   []inner          `json:"list"`
		ByLang map[string]inner `json:"by_lang"`
		Ptr    *inner           `json:"ptr"`
	}
	cases := map[string]string{
		`{"N":1}`:                              `unknown field "N"`,
		`{"list":[{"code":"a"},{"Code":"b"}]}`: `unknown field "list.Code"`,
		`{"by_lang":{"en":{"CODE":"x"}}}`:      `unknown field "by_lang.en.CODE"`,
		`{"ptr":{"cOde":"x"}}`:                 `unknown field "ptr.cOde"`,
	}
	for body, want := range cases {
		var d doc
		err := Unmarshal([]byte(body), &d)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.BadRequest || e.Detail != want {
			t.Errorf("%s: got %v, want %s", body, err, want)
		}
	}
	var d doc
	if err := Unmarshal([]byte(`{"n":1,"list":[{"code":"a"}],"by_lang":{"EN":{"code":"x"}},"ptr":null}`), &d); err != nil {
		t.Fatalf("exact names refused: %v", err) // map keys are data, not field names
	}
}

func TestAnEmptyIfMatchIsMalformed(t *testing.T) {
	r := httptest.NewRequest("PUT", "/", nil)
	r.Header["If-Match"] = []string{""}
	v := int64(1)
	if _, err := ExpectedVersion(r, &v); apperr.KindOf(err) != apperr.BadRequest {
		t.Fatalf("got %v, want 400", err)
	}
}
