package apperr

import "fmt"

// Fields collects field errors while a document is validated, so that one
// answer names every bad field instead of only the first.
type Fields struct {
	list []FieldError
}

// Add records a problem with field. A field already recorded keeps its one
// entry, with this message joined to it: clients index the answer's errors
// by field, and a second entry for the same field would hide the first.
func (f *Fields) Add(field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for i := range f.list {
		if f.list[i].Field == field {
			f.list[i].Message += "; " + msg
			return
		}
	}
	f.list = append(f.list, FieldError{Field: field, Message: msg})
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

// Include adds the field errors of a validation failure (another rule
// set's, say) to f and returns nil; any other error is returned as it is.
func (f *Fields) Include(err error) error {
	e, ok := As(err)
	if err == nil || !ok || e.Kind != Invalid || len(e.Fields) == 0 {
		return err
	}
	for _, fe := range e.Fields {
		f.Add(fe.Field, "%s", fe.Message)
	}
	return nil
}
