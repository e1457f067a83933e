package password

import (
	"strings"
	"testing"
	"unicode/utf8"

	"clientarea/internal/platform/apperr"
)

// FuzzCheck: a new password is accepted only within the rules (valid
// UTF-8, 8-128 characters, not common in any case, not the email or its
// local part); a refusal is a 422 naming the one field it was asked
// about, with messages that name rules and never echo the password.
func FuzzCheck(f *testing.F) {
	known := map[string]bool{msgNotUTF8: true, msgTooShort: true, msgTooLong: true, msgCommon: true, msgFromEmail: true}
	f.Fuzz(func(t *testing.T, pw, email string, field string) {
		if field == "" {
			field = "password"
		}
		err := CheckField(field, pw, email)
		if err == nil {
			n := utf8.RuneCountInString(pw)
			if !utf8.ValidString(pw) || n < MinLength || n > MaxLength {
				t.Fatalf("accepted %q of %d characters", pw, n)
			}
			if common, _ := IsCommon(strings.ToUpper(pw)); common {
				t.Fatalf("accepted %q, which is common", pw)
			}
			if e := strings.ToLower(strings.TrimSpace(email)); e != "" && strings.ToLower(pw) == e {
				t.Fatalf("accepted the email %q as its password", email)
			}
			return
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || e.Code != "validation_failed" || len(e.Fields) != 1 || e.Fields[0].Field != field {
			t.Fatalf("CheckField(%q): %v, want a 422 naming %q once", field, err, field)
		}
		for part := range strings.SplitSeq(e.Fields[0].Message, "; ") {
			if !known[part] {
				t.Fatalf("message %q is none of the rules'", part)
			}
		}
	})
}
