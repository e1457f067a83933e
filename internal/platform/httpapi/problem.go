package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/logging"
)

// statuses is the one place where an error Kind becomes an HTTP status.
var statuses = map[apperr.Kind]int{
	apperr.Internal:             http.StatusInternalServerError,
	apperr.BadRequest:           http.StatusBadRequest,
	apperr.Invalid:              http.StatusUnprocessableEntity,
	apperr.Unauthenticated:      http.StatusUnauthorized,
	apperr.Forbidden:            http.StatusForbidden,
	apperr.NotFound:             http.StatusNotFound,
	apperr.MethodNotAllowed:     http.StatusMethodNotAllowed,
	apperr.Conflict:             http.StatusConflict,
	apperr.PreconditionFailed:   http.StatusPreconditionFailed,
	apperr.PreconditionRequired: http.StatusPreconditionRequired,
	apperr.RateLimited:          http.StatusTooManyRequests,
	apperr.Unavailable:          http.StatusServiceUnavailable,
	apperr.UnsupportedMediaType: http.StatusUnsupportedMediaType,
}

// statusOf is the status of kind; a Kind missing from the table is a bug,
// answered like any other: 500.
func statusOf(kind apperr.Kind) int {
	if status, ok := statuses[kind]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Code      string              `json:"code"`
	Errors    []apperr.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
}

// ProblemType is the URI that identifies a problem code.
func ProblemType(code string) string { return "urn:clientarea:problem:" + code }

// WriteError answers err as problem+json, and logs it once. A 5xx is the
// service's failure: logged at error level with its operation and whole
// cause chain, which nothing else logs, so that a 503 says why. A 500
// reaches the caller only as a generic message. A 4xx is the caller's
// business and is logged at debug level.
func WriteError(ctx context.Context, w http.ResponseWriter, err error) {
	e, ok := apperr.As(err)
	if !ok {
		e = &apperr.Error{Kind: apperr.Internal, Code: "internal"}
	}
	status := statusOf(e.Kind)
	logFailure(ctx, status, e, err)
	if status == http.StatusInternalServerError {
		e = apperr.New(apperr.Internal, "internal", "an unexpected error occurred; try again later")
	}
	if e.RetryAfter > 0 {
		secs := int((e.RetryAfter + 999_999_999) / 1_000_000_000) // round up: never invite an early retry
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if e.Kind == apperr.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="clientarea"`)
	}
	writeBody(w, status, "application/problem+json", Problem{
		Type:      ProblemType(e.Code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    e.Detail,
		Code:      e.Code,
		Errors:    e.Fields,
		RequestID: logging.RequestID(ctx),
	})
}

// logFailure writes the one log line of a request that failed with err (e
// is its *apperr.Error) and deserves status.
func logFailure(ctx context.Context, status int, e *apperr.Error, err error) {
	if status >= http.StatusInternalServerError {
		slog.ErrorContext(ctx, "request failed", "status", status, "code", e.Code, "op", e.Op, "error", err.Error())
		return
	}
	slog.DebugContext(ctx, "request rejected", "status", status, "code", e.Code, "detail", e.Detail)
}
