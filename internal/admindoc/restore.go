package admindoc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"clientarea/internal/platform/apperr"
)

// Restoring a section: putting it back to a document one of its audit
// entries recorded, to undo a bad change. A restore is a PUT of that
// document by the admin who asks for it: today's rules and checks apply,
// it needs the section's current version, and it is a change of its own,
// with its own audit entry. Only sections are restored: a collection's
// entry records one item, and putting an item back alone (a deleted level
// reappearing) is a decision the item's own routes make.

// NotRestorable is the answer to restoring something that cannot be put
// back; detail says why.
func NotRestorable(detail string) error {
	return apperr.New(apperr.Conflict, "not_restorable", detail)
}

// Restore saves snapshot, a document an audit entry of the section
// recorded, as the section's next version, written by actor. The section
// must still be at version expected (412 otherwise). The snapshot is read
// like a PUT's body, normalized and validated by today's rules (422), and
// saved with the definition's checks (a level it names that no longer
// exists is 422 unknown_level).
func (s *Store[T]) Restore(ctx context.Context, snapshot map[string]any, expected int64, actor string) (Record[T], error) {
	if !s.def.isSection() {
		return Record[T]{}, NotRestorable("only a configuration section can be restored, not a " + s.def.Noun)
	}
	if snapshot == nil {
		return Record[T]{}, NotRestorable("the entry recorded no " + s.def.Section + " document to restore")
	}
	doc, err := fromSnapshot[T](snapshot)
	if err != nil {
		return Record[T]{}, err
	}
	h := handler[T]{s: s}
	if err := h.check(&doc); err != nil {
		return Record[T]{}, err
	}
	return s.Modify(ctx, s.def.Section, &expected, actor, func(before T) (T, error) {
		if s.def.Keep == nil {
			return doc, nil
		}
		next := doc // Keep may change it; a retry starts from the snapshot again
		if err := s.def.Keep(before, &next); err != nil {
			return next, err
		}
		return next, h.check(&next)
	})
}

// WriteAnswer answers rec as the store's own PUT does: the document with
// its metadata and every annotation, its version as the ETag.
func (s *Store[T]) WriteAnswer(ctx context.Context, w http.ResponseWriter, status int, rec Record[T]) error {
	return handler[T]{s: s}.answer(ctx, w, status, rec, Nearby{}, s.def.Annotations)
}

// fromSnapshot reads a recorded document as a document of today. It is
// strict: a recorded field today's document lacks, or a value it can no
// longer hold, is 422 naming the field, because a restore that dropped part
// of what was recorded would not put the section back as it was.
func fromSnapshot[T any](snapshot map[string]any) (T, error) {
	var doc T
	body, err := json.Marshal(snapshot)
	if err != nil {
		return doc, apperr.Internalf("encode audit snapshot", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(&doc)
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return doc, nil
	case errors.As(err, &typ) && typ.Field != "":
		return doc, apperr.InvalidField("validation_failed", typ.Field, "the recorded value no longer fits this field")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return doc, apperr.InvalidField("validation_failed", name, "was recorded, but is no longer a field of the section")
	default:
		return doc, NotRestorable("the recorded document cannot be read as the section's document")
	}
}
