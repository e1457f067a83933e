package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"clientarea/internal/platform/apperr"
)

// Optimistic concurrency, shared by every admin document: GET sends the
// version as an ETag, writes name the version they were based on.

// SetETag sets the ETag header of a document at version.
func SetETag(w http.ResponseWriter, version int64) {
	w.Header().Set("ETag", `"`+strconv.FormatInt(version, 10)+`"`)
}

// ExpectedVersion returns the version a write is based on: the If-Match
// header, or else the body's version. Neither is 428 precondition_required;
// both, disagreeing, is 400.
func ExpectedVersion(r *http.Request, bodyVersion *int64) (int64, error) {
	header := strings.TrimSpace(r.Header.Get("If-Match"))
	if header == "" && len(r.Header.Values("If-Match")) > 0 {
		return 0, apperr.New(apperr.BadRequest, "bad_request", `If-Match is empty; send If-Match: "<version>", such as "3"`)
	}
	if header == "" {
		if bodyVersion == nil {
			detail := `send If-Match: "<version>" (from the ETag of a GET) or the version in the body`
			if r.Method == http.MethodDelete {
				detail = `send If-Match: "<version>" (from the ETag of a GET)`
			}
			return 0, apperr.New(apperr.PreconditionRequired, "precondition_required", detail)
		}
		if *bodyVersion < 0 {
			return 0, apperr.New(apperr.BadRequest, "bad_request", "version must not be negative")
		}
		return *bodyVersion, nil
	}
	v, err := parseIfMatch(header)
	if err != nil {
		return 0, err
	}
	if bodyVersion != nil && *bodyVersion != v {
		return 0, apperr.Newf(apperr.BadRequest, "bad_request",
			"If-Match names version %d but the body says %d", v, *bodyVersion)
	}
	return v, nil
}

// parseIfMatch reads If-Match as the one strong entity tag "<version>".
// If-Match compares strongly (RFC 9110, 13.1.1): a weak tag W/"3" never
// matches, so it is a failed precondition, not version 3.
func parseIfMatch(h string) (int64, error) {
	if h == "*" {
		return 0, apperr.New(apperr.PreconditionRequired, "precondition_required",
			`If-Match must name the version the change is based on, not "*"`)
	}
	strong := strings.TrimPrefix(h, "W/")
	tag, quoted := strings.CutPrefix(strong, `"`)
	tag, closed := strings.CutSuffix(tag, `"`)
	if quoted && closed && strong != h {
		return 0, apperr.New(apperr.PreconditionFailed, "version_conflict",
			`a weak ETag (W/"...") never matches If-Match; send the ETag of a GET as it is, such as "3"`)
	}
	// Only the ETag itself matches: "007" is no ETag of version 7.
	v, err := strconv.ParseInt(tag, 10, 64)
	if !quoted || !closed || !digits(tag) || err != nil || strconv.FormatInt(v, 10) != tag {
		return 0, apperr.New(apperr.BadRequest, "bad_request", `If-Match must be "<version>", such as "3"`)
	}
	return v, nil
}

// digits reports whether s is one or more ASCII digits: ParseInt alone
// would also take a sign.
func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
