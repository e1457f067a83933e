package clientadmin

import (
	"testing"
	"unicode/utf8"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/verification/levels"
)

// onlyField fails t unless err is a 422 of code naming exactly field.
func onlyField(t *testing.T, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid || e.Code != code || len(e.Fields) != 1 || e.Fields[0].Field != field || e.Fields[0].Message == "" {
		t.Fatalf("%v, want a 422 %s naming %s", err, code, field)
	}
}

// FuzzVerificationBody: the body of PUT /admin/clients/{id}/verification
// is a 400, or a level (null or blank: none) and a status (null or blank:
// Init) that have the form of labels, or a 422 unknown_level (checked
// first) or unknown_status naming that field.
func FuzzVerificationBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var req verification
		if err := httpapi.Unmarshal(body, &req); err != nil {
			if apperr.KindOf(err) != apperr.BadRequest {
				t.Fatalf("decode: %v, want a 400", err)
			}
			return
		}
		level, status := req.normalized()
		if req.Status == nil || *req.Status == "" {
			if status != levels.DefaultStatus {
				t.Fatalf("status %v read as %q", req.Status, status)
			}
		} else if status != *req.Status {
			t.Fatalf("status %q read as %q", *req.Status, status)
		}
		if want := ""; req.Level != nil {
			if want = *req.Level; level != want {
				t.Fatalf("level %q read as %q", want, level)
			}
		} else if level != "" {
			t.Fatalf("no level read as %q", level)
		}
		err := checkLabels(level, status)
		switch {
		case level != "" && !levels.ValidLabel(level):
			onlyField(t, err, "unknown_level", "level")
		case !levels.ValidLabel(status):
			onlyField(t, err, "unknown_status", "status")
		case err != nil:
			t.Fatalf("level %q, status %q refused: %v", level, status, err)
		}
	})
}

// FuzzManagerBody: the body of PUT /admin/clients/{id}/manager is a 400, a
// 422 naming manager_id and name (each once), or a manager with an id of
// 1-128 bytes and a name of 1-200 characters.
func FuzzManagerBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var req manager
		if err := httpapi.Unmarshal(body, &req); err != nil {
			if apperr.KindOf(err) != apperr.BadRequest {
				t.Fatalf("decode: %v, want a 400", err)
			}
			return
		}
		idOK := req.ManagerID != "" && len(req.ManagerID) <= 128
		n := utf8.RuneCountInString(req.Name)
		nameOK := n >= 1 && n <= 200
		err := req.validate()
		if idOK && nameOK {
			if err != nil {
				t.Fatalf("%+v refused: %v", req, err)
			}
			return
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || e.Code != "validation_failed" || len(e.Fields) != btoi(!idOK)+btoi(!nameOK) {
			t.Fatalf("%+v: %v, want a 422 naming each bad field", req, err)
		}
		for i, fe := range e.Fields {
			want := "name"
			if i == 0 && !idOK {
				want = "manager_id"
			}
			if fe.Field != want || fe.Message == "" {
				t.Fatalf("%+v: names %v", req, e.Fields)
			}
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
