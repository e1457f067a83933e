// Package apperr is the one error type of the service. Every failure a client
// can see is an *Error with a Kind (which decides the HTTP status, in one table
// in package httpapi) and a stable machine-readable Code. Anything else that
// reaches the edge is treated as Internal and shown generically. The edge
// logs every 5xx once, with its Op and cause chain, so code below it
// returns failures rather than logging them too.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error by what the caller should do about it.
type Kind int

const (
	Internal             Kind = iota // a bug or an unexpected dependency failure
	BadRequest                       // the request cannot be parsed
	Invalid                          // parsed, but breaks a validation rule
	Unauthenticated                  // no (valid) credentials
	Forbidden                        // credentials, but not allowed
	NotFound                         // no such resource
	MethodNotAllowed                 // the path exists, the method does not
	Conflict                         // the state of the resource forbids it
	PreconditionFailed               // stale version
	PreconditionRequired             // no version given for a write
	RateLimited                      // too many requests, retry later
	Unavailable                      // a dependency is missing or down
	UnsupportedMediaType             // the body is not declared as JSON
	Gone                             // it existed, but is no more (an expired token)

	kindCount // keep last: Kinds lists every Kind above it
)

// Kinds lists every Kind, so that a test can prove each one has an HTTP
// status without anyone remembering to extend the test.
func Kinds() []Kind {
	kinds := make([]Kind, kindCount)
	for i := range kinds {
		kinds[i] = Kind(i)
	}
	return kinds
}

// FieldError names one invalid field of a request, by its JSON path.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a failure with everything the HTTP edge needs to answer it.
type Error struct {
	Kind       Kind
	Code       string        // stable, machine-readable: "validation_failed", "version_conflict"...
	Detail     string        // human-readable, safe to show to the caller
	Fields     []FieldError  // for validation failures
	RetryAfter time.Duration // for RateLimited answers
	Op         string        // where it happened, for logs
	Err        error         // the cause: logged with a 5xx, never shown to the caller
}

func (e *Error) Error() string {
	msg := e.Code
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a client-facing code and detail.
func New(kind Kind, code, detail string) *Error {
	return &Error{Kind: kind, Code: code, Detail: detail}
}

// Newf is New with a formatted detail.
func Newf(kind Kind, code, format string, args ...any) *Error {
	return New(kind, code, fmt.Sprintf(format, args...))
}

// Because returns a copy of e that records the cause (for logs, never shown
// to the caller) and where it happened: a dependency's failure answered as
// a client-facing error such as 503 sms_unavailable.
func (e *Error) Because(op string, cause error) *Error {
	c := *e
	c.Op, c.Err = op, cause
	return &c
}

// Validation returns the 422 answer naming each bad field.
func Validation(fields ...FieldError) *Error {
	return &Error{Kind: Invalid, Code: "validation_failed", Detail: "the request has invalid fields", Fields: fields}
}

// InvalidField is a 422 with its own code (such as "unknown_level") for one field.
func InvalidField(code, field, message string) *Error {
	return &Error{Kind: Invalid, Code: code, Detail: field + ": " + message,
		Fields: []FieldError{{Field: field, Message: message}}}
}

// Internalf wraps an unexpected failure with the operation it broke.
func Internalf(op string, err error) *Error {
	return &Error{Kind: Internal, Code: "internal", Op: op, Err: err}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf reports the Kind of err; errors that are not *Error are Internal.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// CodeOf reports the Code of err, or "internal".
func CodeOf(err error) string {
	if e, ok := As(err); ok && e.Kind != Internal {
		return e.Code
	}
	return "internal"
}
