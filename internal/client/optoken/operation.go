package optoken

import "clientarea/internal/platform/apperr"

// MaxOperationLen bounds an operation's name.
const MaxOperationLen = 64

// ValidateOperation refuses an operation name that is not 1 to 64 of
// [a-z_:]. The services name their own operations ("withdraw",
// "prop_challenge_fee", "me:change_phone"...), so the package does not
// list them; it only keeps names plain, so that one cannot pass for
// another by case, spaces or look-alike characters.
func ValidateOperation(op string) error {
	if op == "" || len(op) > MaxOperationLen {
		return apperr.Validation(apperr.FieldError{Field: "operation", Message: "must be 1 to 64 characters"})
	}
	for _, c := range []byte(op) {
		if (c < 'a' || c > 'z') && c != '_' && c != ':' {
			return apperr.Validation(apperr.FieldError{Field: "operation",
				Message: "may hold only lower-case letters a-z, '_' and ':'"})
		}
	}
	return nil
}
