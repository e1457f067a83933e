package apperr

import "fmt"

// Fields collects field errors while a document is validated, so that one
// answer names every bad field instead of only the first.
type Fields struct {
	list []FieldError
}

// Add records a problem with field.
func (f *Fields) Add(field, format string, args ...any) {
	f.list = append(f.list, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records a problem with field unless ok.
func (f *Fields) Check(ok bool, field, format string, args ...any) {
	if !ok {
		f.Add(field, format, args...)
	}
}

// Range checks that v lies in [lo, hi].
func (f *Fields) Range(v int, field string, lo, hi int) {
	f.Check(v >= lo && v <= hi, field, "must be between %d and %d", lo, hi)
}

// Err returns the 422 error naming every recorded field, or nil.
func (f *Fields) Err() error {
	if len(f.list) == 0 {
		return nil
	}
	return Validation(f.list...)
}
