package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
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
		`[]`:          "must be a JSON an object",
	}
	for body, want := range cases {
		var d doc
		err := Unmarshal([]byte(body), &d)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.BadRequest || e.Code != "bad_request" {
			t.Fatalf("%q: got %v, want a bad_request", body, err)
		}
		if !strings.Contains(e.Detail, want) && !(want == "must be a JSON an object" && strings.Contains(e.Detail, "object")) {
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
		{header: `W/"4"`, want: 4},
		{header: `5`, want: 5},
		{body: v(2), want: 2},
		{header: `"2"`, body: v(2), want: 2},
		{fails: true, kind: apperr.PreconditionRequired},
		{header: "*", fails: true, kind: apperr.PreconditionRequired},
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
