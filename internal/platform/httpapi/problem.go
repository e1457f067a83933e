package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/awsclients"
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
	apperr.Gone:                 http.StatusGone,
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
// business, logged at debug level, except the refusals an incident
// responder looks for (see decisionLevel), logged with who asked, on which
// route, from where.
func WriteError(ctx context.Context, w http.ResponseWriter, err error) {
	e := classify(err)
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

// classify returns the *apperr.Error that answers err. An error that is
// not one, or an Internal one, whose cause is an AWS service failing for
// now (awsclients.Unavailable: throttled after the SDK's retries, a 5xx,
// a timeout or a passed deadline, a connection failure) is 503 unavailable
// with Retry-After rather than a 500: the request may well work a little
// later, and nothing about it was wrong. Every 503 carries Retry-After:
// the error's own, else its cause's, else DefaultRetryAfter.
func classify(err error) *apperr.Error {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.Internal {
		wait, unavailable := awsclients.Unavailable(err)
		if !unavailable {
			if !ok {
				return &apperr.Error{Kind: apperr.Internal, Code: "internal"}
			}
			return e
		}
		op := ""
		if ok {
			op = e.Op
		}
		return &apperr.Error{Kind: apperr.Unavailable, Code: "unavailable",
			Detail: "a service this request needs is unavailable or busy; try again shortly", RetryAfter: wait, Op: op, Err: err}
	}
	if e.Kind == apperr.Unavailable && e.RetryAfter <= 0 {
		c := *e
		c.RetryAfter = DefaultRetryAfter
		if wait, unavailable := awsclients.Unavailable(err); unavailable {
			c.RetryAfter = wait
		}
		return &c
	}
	return e
}

// DefaultRetryAfter is the Retry-After of a 503 that says nothing better.
const DefaultRetryAfter = awsclients.UnavailableRetryAfter

// logFailure writes the one log line of a request that failed with err (e
// is its *apperr.Error) and deserves status.
func logFailure(ctx context.Context, status int, e *apperr.Error, err error) {
	if ctx.Err() == context.Canceled {
		// The caller went away: nobody receives this answer, and the
		// failure is the cancellation, not the service.
		slog.InfoContext(ctx, "request abandoned by the caller", "route", route(ctx), "op", e.Op)
		return
	}
	if status >= http.StatusInternalServerError {
		slog.ErrorContext(ctx, "request failed", "status", status, "code", e.Code, "op", e.Op, "error", err.Error())
		return
	}
	attrs := []any{"status", status, "code", e.Code, "detail", e.Detail,
		"route", route(ctx), "subject", Subject(ctx), "source_ip", SourceIP(ctx)}
	if e.RetryAfter > 0 {
		attrs = append(attrs, "retry_after_ms", e.RetryAfter.Milliseconds())
	}
	// Neither the request body nor its headers are logged: they may hold a
	// code or a token. The detail is the text the caller gets, which never does.
	slog.Log(ctx, decisionLevel(status, e.Code), "request rejected", attrs...)
}

// decisionLevel is the level of a refused request's log line. Refusals
// that can be an attack (no or a bad token, a forbidden route, too many
// tries or sends) are warnings; a wrong or expired code, or a number the
// service will not send to, is what a client does by mistake too, but
// their rate is what shows guessing or SMS pumping, so they are logged at
// info level. Other 4xx (validation, version conflicts...) stay at debug.
func decisionLevel(status int, code string) slog.Level {
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return slog.LevelWarn
	}
	switch code {
	case "rate_limited", "locked", "otp_locked", "otp_attempts_exhausted":
		return slog.LevelWarn
	case "otp_invalid", "otp_expired", "invalid_phone":
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
