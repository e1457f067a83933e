package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/logging"
)

// statusOf is the one place where an error Kind becomes an HTTP status.
var statusOf = map[apperr.Kind]int{
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

// WriteError answers err as problem+json. Internal errors are logged in full
// and reach the caller only as a generic message; client errors are logged
// at debug level, since they are the caller's business.
func WriteError(ctx context.Context, w http.ResponseWriter, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.Internal {
		slog.ErrorContext(ctx, "request failed", "error", err.Error())
		e = apperr.New(apperr.Internal, "internal", "an unexpected error occurred; try again later")
	} else {
		slog.DebugContext(ctx, "request rejected", "code", e.Code, "detail", e.Detail)
	}
	status := statusOf[e.Kind]
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
