package admindoc

import (
	"time"

	"clientarea/internal/platform/apperr"
)

// Meta is a document's concurrency and change metadata. Version 0 means
// "never saved": a section's defaults, or a built-in item.
type Meta struct {
	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
}

// Record is a document with its metadata.
type Record[T any] struct {
	Doc T
	Meta
}

// next is the record that replaces r with doc, written by actor at now.
func (r Record[T]) next(doc T, actor string, now time.Time) Record[T] {
	return Record[T]{Doc: doc, Meta: Meta{Version: r.Version + 1, UpdatedAt: now, UpdatedBy: actor}}
}

// Conflict is the answer to a write based on a stale version of what.
func Conflict(what string) error {
	return apperr.Newf(apperr.PreconditionFailed, "version_conflict",
		"%s was changed by someone else; GET it again and reapply your change", what)
}
