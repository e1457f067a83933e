package audit

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"clientarea/internal/platform/apperr"
)

// FuzzRestoreBody: the optional body of POST /admin/audit/{id}/restore is
// none at all (the "after" state), a state ("after", "before"; blank:
// "after") with an optional version, or a 400, a 415 or a 422 naming
// state.
func FuzzRestoreBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		r := httptest.NewRequest("POST", "/admin/audit/x/restore", bytes.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		req, err := readRestoreRequest(httptest.NewRecorder(), r)
		if err == nil {
			if req.State != stateAfter && req.State != stateBefore {
				t.Fatalf("state %q accepted", req.State)
			}
			if len(bytes.TrimSpace(body)) == 0 && (req.State != stateAfter || req.Version != nil) {
				t.Fatalf("no body read as %+v", req)
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
			if len(e.Fields) != 1 || e.Fields[0].Field != "state" || e.Fields[0].Message == "" {
				t.Fatalf("a 422 naming %v", e.Fields)
			}
		default:
			t.Fatalf("error %v, want a 400, 415 or 422", err)
		}
	})
}
