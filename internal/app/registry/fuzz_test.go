package registry_test

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/sections/documents"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security"
)

// FuzzSectionBodies feeds arbitrary bodies through every section's PUT
// pipeline short of the database (decode, normalize, validate): whatever
// arrives, the answer is a client error or a valid document, never a panic
// or a 5xx. `go test -fuzz FuzzSectionBodies ./internal/functions` explores
// further than the seeds.
func FuzzSectionBodies(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, `[]`, `{"version":1}`, `{"version":"x"}`,
		`{"clients":{"max_accounts":5},"security":{"session_minutes":null}}`,
		`{"security":{"session_minutes":-1,"refresh_session_minutes":99999999999}}`,
		`{"required":["passport_or_id","passport_or_id","x"]}`,
		`{"mandatory_tfa":true,"tfa_operations":["login",null,""],"sms":{"sender_id":"Ü","origination_number":"+1"}}`,
		`{"confirmation":"phone","default_client_type":null}`,
		`{"active":[{"code":"PT-br","enabled":true},{"code":""}],"default":"pt-BR"}`,
		`{"active":null,"default":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		exercise(t, general.Section(), body)
		exercise(t, documents.Section(), body)
		exercise(t, security.Section(), body)
		exercise(t, security.RegistrationSection(), body)
		exercise(t, languages.Section(nil), body)
	})
}

func exercise[T any](t *testing.T, def admindoc.Definition[T], body []byte) {
	t.Helper()
	r := httptest.NewRequest("PUT", "/admin/config/"+def.Section, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var doc T
	if _, err := admindoc.DecodeDocument(httptest.NewRecorder(), r, &doc); err != nil {
		clientError(t, def.Section, err)
		return
	}
	def.Normalize(&doc)
	if err := def.Validate(doc); err != nil {
		clientError(t, def.Section, err)
		return
	}
	// A valid document stays valid once normalized again (what GET does).
	def.Normalize(&doc)
	if err := def.Validate(doc); err != nil {
		t.Fatalf("%s: a valid document became invalid: %v", def.Section, err)
	}
}

func clientError(t *testing.T, section string, err error) {
	t.Helper()
	switch apperr.KindOf(err) {
	case apperr.BadRequest, apperr.Invalid:
	default:
		t.Fatalf("%s: %v is not a client error", section, err)
	}
}
