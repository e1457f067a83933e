package password

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"clientarea/internal/platform/apperr"
)

// The length bounds, in characters (runes) rather than bytes, so that a
// password in any script gets the same room. A password is never
// truncated: one longer than MaxLength is refused, not shortened.
const (
	MinLength = 8
	MaxLength = 128
)

// minLocalPart is the shortest email local part that a password may not
// contain: shorter ones ("al", "bob") occur in too many good passwords.
const minLocalPart = 4

// The messages name the rule, never the password, so that an answer or a
// log line never carries it. None holds "; ", which apperr.Fields puts
// between two messages for one field.
var (
	msgNotUTF8   = "must be valid UTF-8 text"
	msgTooShort  = fmt.Sprintf("must be at least %d characters long", MinLength)
	msgTooLong   = fmt.Sprintf("must be at most %d characters long", MaxLength)
	msgCommon    = "is one of the most commonly used passwords, so it is easy to guess: choose another"
	msgFromEmail = "must not contain your email address or the part of it before the @"
)

// Check applies the rules for a new password to the request field
// "password". email is the account's email, which the password must not
// contain; it may be empty when not known yet.
func Check(pw, email string) error {
	return CheckField("password", pw, email)
}

// CheckField is Check for a request field of another name, such as
// "new_password". A broken rule is an *apperr.Error of code
// "validation_failed" naming field once; a length problem is reported
// alone, the other rules together in its one message.
func CheckField(field, pw, email string) error {
	if msg := lengthProblem(pw); msg != "" {
		return apperr.Validation(apperr.FieldError{Field: field, Message: msg})
	}
	common, err := IsCommon(pw)
	if err != nil {
		return apperr.Internalf("password.CheckField", err)
	}
	var fields apperr.Fields
	fields.Check(!common, field, "%s", msgCommon)
	fields.Check(!containsEmail(pw, email), field, "%s", msgFromEmail)
	return fields.Err()
}

func lengthProblem(pw string) string {
	// Bytes bound runes from above, so a huge input is refused without
	// being scanned; a rune is at most 4 bytes.
	if len(pw) > 4*MaxLength {
		return msgTooLong
	}
	if !utf8.ValidString(pw) {
		return msgNotUTF8
	}
	switch n := utf8.RuneCountInString(pw); {
	case n < MinLength:
		return msgTooShort
	case n > MaxLength:
		return msgTooLong
	}
	return ""
}

// containsEmail reports whether pw is the whole email, or contains its
// local part when that part is long enough to be telling; case is ignored.
func containsEmail(pw, email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return false
	}
	pw = strings.ToLower(pw)
	if pw == email {
		return true
	}
	local := email
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		local = email[:at]
	}
	return utf8.RuneCountInString(local) >= minLocalPart && strings.Contains(pw, local)
}
