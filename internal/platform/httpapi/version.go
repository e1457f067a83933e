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

func parseIfMatch(h string) (int64, error) {
	if h == "*" {
		return 0, apperr.New(apperr.PreconditionRequired, "precondition_required",
			`If-Match must name the version the change is based on, not "*"`)
	}
	tag := strings.TrimPrefix(h, "W/")
	tag = strings.TrimSuffix(strings.TrimPrefix(tag, `"`), `"`)
	v, err := strconv.ParseInt(tag, 10, 64)
	if err != nil || v < 0 {
		return 0, apperr.Newf(apperr.BadRequest, "bad_request", `If-Match must be "<version>", such as "3"`)
	}
	return v, nil
}
