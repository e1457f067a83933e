package password

import (
	"slices"
	"strings"
	"testing"

	"clientarea/internal/platform/apperr"
)

func TestCommonListIsDjangos(t *testing.T) {
	list, err := commonList()
	if err != nil {
		t.Fatal(err)
	}
	// Django's 20,000 lines hold 19,729 distinct passwords.
	if len(list) < 10000 {
		t.Errorf("the common-password list has %d entries, want at least 10,000", len(list))
	}
	for _, w := range list {
		if w != normalizeCommon(w) {
			t.Fatalf("entry %q is not normalized", w)
		}
	}
}

func TestIsCommon(t *testing.T) {
	tests := []struct {
		pw   string
		want bool
	}{
		{"password", true},
		{"12345678", true},
		{"qwertyuiop", true},
		{"PASSWORD", true},
		{"QwertyUIOP", true},
		{" iloveyou ", true},
		{"Password1", true},
		{"trustno1", true},
		{"correct horse battery staple", false},
		{"vQ7#mt!c9Lp", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := IsCommon(tt.pw)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("IsCommon(%q) = %v, want %v", tt.pw, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	const email = "Alice.Smith@example.com"
	tests := []struct {
		name  string
		pw    string
		email string
		want  string // the message, or "" when accepted
	}{
		{"7 characters", "vQ7#mtc", email, msgTooShort},
		{"8 characters", "vQ7#mtc9", email, ""},
		{"empty", "", email, msgTooShort},
		{"128 characters", strings.Repeat("vQ7#", 32), email, ""},
		{"129 characters", strings.Repeat("vQ7#", 32) + "x", email, msgTooLong},
		{"8 two-byte runes", strings.Repeat("é", 8), email, ""},
		{"7 two-byte runes are 14 bytes", strings.Repeat("é", 7), email, msgTooShort},
		{"128 two-byte runes", strings.Repeat("é", 128), email, ""},
		{"129 two-byte runes", strings.Repeat("é", 129), email, msgTooLong},
		{"128 four-byte runes", strings.Repeat("🔑", 128), email, ""},
		{"129 four-byte runes", strings.Repeat("🔑", 129), email, msgTooLong},
		{"a megabyte", strings.Repeat("x", 1<<20), email, msgTooLong},
		{"invalid UTF-8", "vQ7#mtc9\xff", email, msgNotUTF8},
		{"common", "password", email, msgCommon},
		{"common digits", "12345678", email, msgCommon},
		{"common upper case", "QWERTYUIOP", email, msgCommon},
		{"common mixed case", "PassWord1", email, msgCommon},
		{"contains the local part", "my-alice.smith-2024", email, msgFromEmail},
		{"contains the local part in another case", "xxALICE.SMITHxx", email, msgFromEmail},
		{"is the whole email", "alice.smith@EXAMPLE.com", email, msgFromEmail},
		{"whole email with a short local part", "BOB@example.com", "bob@example.com", msgFromEmail},
		{"short local part inside", "bobsleigh-champion", "bob@example.com", ""},
		{"four-character local part inside", "xxannaxx-vQ7#", "anna@example.com", msgFromEmail},
		{"no email known", "my-alice.smith-2024", "", ""},
		{"domain alone is fine", "example.com-vQ7#", email, ""},
		{"strong", "correct horse battery staple", email, ""},
		{"strong with symbols", "Z9!k&2pq#W7m", email, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.pw, tt.email)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check refused it: %v", err)
				}
				return
			}
			fields := validationFields(t, err, "password")
			if !hasMessage(fields, tt.want) {
				t.Errorf("messages %+v, want %q", fields, tt.want)
			}
			assertNoEcho(t, err, tt.pw)
		})
	}
}

// A password that breaks two rules hears about both, in the one entry for
// its field (clients index the errors by field).
func TestCheckReportsCommonAndEmailTogether(t *testing.T) {
	err := Check("password", "password@example.com")
	fields := validationFields(t, err, "password")
	if len(fields) != 1 || !hasMessage(fields, msgCommon) || !hasMessage(fields, msgFromEmail) {
		t.Errorf("fields %+v, want one naming both the common and the email rule", fields)
	}
	assertNoEcho(t, err, "password")
}

func TestCheckFieldNamesTheField(t *testing.T) {
	validationFields(t, CheckField("new_password", "short", ""), "new_password")
	if err := CheckField("new_password", "correct horse battery staple", ""); err != nil {
		t.Errorf("CheckField refused a strong password: %v", err)
	}
}

// validationFields asserts err is a validation_failed answer naming field
// once, and returns its fields.
func validationFields(t *testing.T, err error, field string) []apperr.FieldError {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("err = %v, want an *apperr.Error", err)
	}
	if e.Kind != apperr.Invalid || e.Code != "validation_failed" {
		t.Fatalf("err = %v (kind %d), want an Invalid validation_failed", e, e.Kind)
	}
	if len(e.Fields) != 1 {
		t.Fatalf("fields %+v, want exactly one", e.Fields)
	}
	for _, f := range e.Fields {
		if f.Field != field {
			t.Errorf("field %q, want %q", f.Field, field)
		}
	}
	return e.Fields
}

func hasMessage(fields []apperr.FieldError, msg string) bool {
	for _, f := range fields {
		if slices.Contains(strings.Split(f.Message, "; "), msg) {
			return true
		}
	}
	return false
}

// assertNoEcho checks that every message err carries is made of the fixed
// ones (so none can hold the password), and, where the password is not a
// word of them anyway ("password"), that it appears nowhere.
func assertNoEcho(t *testing.T, err error, pw string) {
	t.Helper()
	fixed := []string{msgNotUTF8, msgTooShort, msgTooLong, msgCommon, msgFromEmail}
	e, _ := apperr.As(err)
	all := []string{err.Error(), e.Detail}
	for _, f := range e.Fields {
		for _, part := range strings.Split(f.Message, "; ") {
			if !slices.Contains(fixed, part) {
				t.Errorf("message %q is not made of the fixed messages", f.Message)
			}
		}
		all = append(all, f.Message)
	}
	text := strings.Join(all, "\n")
	if pw != "" && !strings.Contains(strings.Join(fixed, " ")+" password", pw) && strings.Contains(text, pw) {
		t.Errorf("the error %q echoes the password", text)
	}
}

// What the first Check in a function instance pays to load the list.
func BenchmarkParseCommonList(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseCommon(commonGz); err != nil {
			b.Fatal(err)
		}
	}
}
