package httpapi

import (
	"net/url"
	"strconv"

	"clientarea/internal/platform/apperr"
)

// Page sizes of the lists that page (?limit=).
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 100
)

// PageLimit reads ?limit=: a whole number from 1 to MaxPageLimit, written
// plainly ("07" and "+7" are refused); left out, DefaultPageLimit. Anything
// else is 422 naming "limit".
func PageLimit(q url.Values) (int, error) {
	s := q.Get("limit")
	if !q.Has("limit") {
		return DefaultPageLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPageLimit || strconv.Itoa(n) != s {
		return 0, apperr.Validation(apperr.FieldError{Field: "limit",
			Message: "must be a whole number from 1 to " + strconv.Itoa(MaxPageLimit)})
	}
	return n, nil
}
