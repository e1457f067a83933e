package admindoc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Store reads and writes the documents of one Definition.
type Store[T any] struct {
	def Definition[T]
	env Env
}

// New returns the store of def's documents.
func New[T any](env Env, def Definition[T]) *Store[T] {
	def = def.resolved()
	def.checkAround()
	return &Store[T]{def: def, env: env}
}

// errStale is the failure of a document's own condition: its version moved
// on, or (on create) its label is taken.
var errStale = errors.New("the document's version condition failed")

// NotFound is the answer for a label that names no document.
func (s *Store[T]) NotFound(label string) error {
	return apperr.Newf(apperr.NotFound, "not_found", "there is no %s %q", s.def.Noun, label)
}

// Load returns a section's document, or its defaults at version 0.
func (s *Store[T]) Load(ctx context.Context) (Record[T], error) {
	return s.Get(ctx, s.def.Section)
}

// Get returns the document labelled label (any case).
func (s *Store[T]) Get(ctx context.Context, label string) (Record[T], error) {
	if !s.def.ValidLabel(label) {
		return Record[T]{}, s.NotFound(label)
	}
	item, err := s.env.Table.Get(ctx, s.def.Key(label))
	if err != nil {
		return Record[T]{}, fmt.Errorf("load %s: %w", s.def.what(label), err)
	}
	if item == nil {
		if b, ok := s.def.builtin(label); ok {
			return Record[T]{Doc: b}, nil
		}
		return Record[T]{}, s.NotFound(label)
	}
	return s.decode(item, label)
}

// decode reads a stored item onto the defaults of a section (fields an
// older item lacks keep their defaults) or an empty item.
func (s *Store[T]) decode(item map[string]types.AttributeValue, label string) (Record[T], error) {
	var rec Record[T]
	if s.def.isSection() {
		rec.Doc = s.def.Default()
	}
	if err := decodeRecord(item, &rec); err != nil {
		return rec, fmt.Errorf("decode %s: %w", s.def.what(label), err)
	}
	return rec, nil
}

// List returns every document of a collection, built-in ones first, the
// others by label.
func (s *Store[T]) List(ctx context.Context) ([]Record[T], error) {
	var recs []Record[T]
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.env.Table.Name),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(dynamo.ConfigPartition()), ":prefix": dynamo.S(s.def.Prefix),
		},
		ConsistentRead: aws.Bool(true),
	}
	items, err := s.env.Table.QueryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list %s items: %w", s.def.Noun, err)
	}
	for _, av := range items {
		rec, err := s.decode(av, "")
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return s.builtinsFirst(recs), nil
}

// builtinsFirst puts the built-in documents (stored or not) before the others.
func (s *Store[T]) builtinsFirst(recs []Record[T]) []Record[T] {
	if s.def.Builtins == nil {
		return recs
	}
	var out []Record[T]
	for _, b := range s.def.Builtins() {
		i := slices.IndexFunc(recs, func(r Record[T]) bool { return strings.EqualFold(s.def.Label(r.Doc), s.def.Label(b)) })
		if i < 0 {
			out = append(out, Record[T]{Doc: b})
		} else {
			out = append(out, recs[i])
			recs = slices.Delete(recs, i, i+1)
		}
	}
	return append(out, recs...)
}

// Create stores doc as a new item at version 1. A label that is taken, in
// any case, is 409 label_taken.
func (s *Store[T]) Create(ctx context.Context, doc T, actor string) (Record[T], error) {
	label := s.def.Label(doc)
	if _, ok := s.def.builtin(label); ok {
		return Record[T]{}, s.labelTaken(label)
	}
	rec, err := s.write(ctx, Record[T]{}, doc, actor, true)
	if errors.Is(err, errStale) {
		return Record[T]{}, s.labelTaken(label)
	}
	return rec, err
}

func (s *Store[T]) labelTaken(label string) error {
	return apperr.Newf(apperr.Conflict, "label_taken", "a %s labelled %q already exists (labels are unique regardless of case)", s.def.Noun, label)
}

// modifyAttempts bounds how often Modify reapplies a change that lost a race.
const modifyAttempts = 3

// Modify applies change to the current document labelled label and saves
// the result as its next version. With expected set, the document must be at
// that version (412 otherwise). Without it, a write that lands between the
// read and the save makes Modify read again and reapply change, so no
// update is lost; change must therefore be cheap and call nothing outside
// (do any remote work, such as machine translation, before Modify).
func (s *Store[T]) Modify(ctx context.Context, label string, expected *int64, actor string, change func(T) (T, error)) (Record[T], error) {
	before, err := s.Get(ctx, label)
	if err != nil {
		return Record[T]{}, err
	}
	return s.ModifyFrom(ctx, before, expected, actor, change)
}

// ModifyFrom is Modify starting from before, the document as its caller
// already read it (no second read); a retry reads it again.
func (s *Store[T]) ModifyFrom(ctx context.Context, before Record[T], expected *int64, actor string, change func(T) (T, error)) (Record[T], error) {
	label := s.def.Label(before.Doc)
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			var err error
			if before, err = s.Get(ctx, label); err != nil {
				return Record[T]{}, err
			}
		}
		if expected != nil && *expected != before.Version {
			return Record[T]{}, Conflict(s.def.what(label))
		}
		after, err := change(before.Doc)
		if err != nil {
			return Record[T]{}, err
		}
		rec, err := s.write(ctx, before, after, actor, false)
		if !errors.Is(err, errStale) {
			return rec, err
		}
		if expected != nil || attempt == modifyAttempts {
			return Record[T]{}, Conflict(s.def.what(label))
		}
	}
}

// write is one create or update: [the document's write, its audit entry,
// the definition's checks]. It updates with SET rather than replacing the
// item, which keeps the attributes the document does not own (the holders
// count).
func (s *Store[T]) write(ctx context.Context, before Record[T], after T, actor string, created bool) (Record[T], error) {
	label := s.def.Label(after)
	next := before.next(after, actor, s.env.Clock.Now())
	own, err := s.saveItem(label, before.Version, next)
	if err != nil {
		return Record[T]{}, err
	}
	var was any
	if !created {
		was = before.Doc // for a section's first save: its defaults
	}
	entry, err := auditCheck(s.change(label, actor, next.UpdatedAt, next.Version, was, after))
	if err != nil {
		return Record[T]{}, err
	}
	checks := []Check{own, entry}
	if s.def.Checks != nil {
		checks = append(checks, s.def.Checks(after)...)
	}
	if err := commit(ctx, s.env.Table, "save "+s.def.what(label), checks); err != nil {
		return Record[T]{}, err
	}
	return next, nil
}

// saveItem is the document's own write: at version 0 (new, or built-in and
// never saved) the item must not exist, after that it must still be at the
// version the writer read.
func (s *Store[T]) saveItem(label string, expected int64, next Record[T]) (Check, error) {
	doc, err := marshalDoc(next.Doc)
	if err != nil {
		return Check{}, err
	}
	update := &types.Update{
		Key: s.def.Key(label).KeyAttrs(),
		UpdateExpression: aws.String("SET #type = :type, #label = :label, #version = :version, " +
			"#at = :at, #by = :by, #doc = :doc"),
		ExpressionAttributeNames: map[string]string{
			"#type": attrType, "#label": attrLabel, "#version": attrVersion,
			"#at": attrUpdatedAt, "#by": attrUpdatedBy, "#doc": attrDoc,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":type": dynamo.S(s.def.Type), ":label": dynamo.S(label), ":doc": doc,
			":version": dynamo.N(next.Version),
			":at":      dynamo.S(next.UpdatedAt.UTC().Format(time.RFC3339Nano)),
			":by":      dynamo.S(next.UpdatedBy),
		},
	}
	if expected == 0 {
		update.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		update.ConditionExpression = aws.String("#version = :expected")
		update.ExpressionAttributeValues[":expected"] = dynamo.N(expected)
	}
	return Check{Item: types.TransactWriteItem{Update: update}, Err: errStale}, nil
}

// change describes one write of the document labelled label for its audit
// entry; a collection's entries name the item as their subject.
func (s *Store[T]) change(label, actor string, at time.Time, version int64, before, after any) change {
	c := change{section: s.def.Audit, actor: actor, at: at, version: version, before: before, after: after}
	if !s.def.isSection() {
		c.subject = label
	}
	return c
}

// Delete removes before's item if its stored version is still
// before.Version and no client holds it, and the definition's delete checks
// hold in the same transaction. A held item is 409 in_use.
func (s *Store[T]) Delete(ctx context.Context, before Record[T], actor string) error {
	label := s.def.Label(before.Doc)
	own := Check{Err: errStale, Item: types.TransactWriteItem{Delete: &types.Delete{
		Key:                      s.def.Key(label).KeyAttrs(),
		ConditionExpression:      aws.String("#version = :expected AND (attribute_not_exists(#holders) OR #holders <= :zero)"),
		ExpressionAttributeNames: map[string]string{"#version": attrVersion, "#holders": attrHolders},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":expected": dynamo.N(before.Version), ":zero": dynamo.N(0),
		},
	}}}
	entry, err := auditCheck(s.change(label, actor, s.env.Clock.Now(), 0, before.Doc, nil))
	if err != nil {
		return err
	}
	checks := []Check{own, entry}
	if s.def.DeleteChecks != nil {
		checks = append(checks, s.def.DeleteChecks(label)...)
	}
	err = commit(ctx, s.env.Table, "delete "+s.def.what(label), checks)
	if !errors.Is(err, errStale) {
		return err
	}
	// The item's own condition failed: find out which half of it.
	now, getErr := s.Get(ctx, label)
	switch {
	case getErr != nil:
		return getErr // gone: not_found
	case now.Version != before.Version:
		return Conflict(s.def.what(label))
	default:
		return apperr.Newf(apperr.Conflict, "in_use", "%s %s is held by clients and cannot be deleted", s.def.Noun, label)
	}
}

// ExistsCheck is the condition, for another document's write, that an item
// labelled exactly label exists; err answers its failure. A built-in item
// always exists, so it needs no check (none is returned).
func (s *Store[T]) ExistsCheck(label string, err error) []Check {
	if b, ok := s.def.builtin(label); ok && s.def.Label(b) == label {
		return nil
	}
	return []Check{{Err: err, Item: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(s.env.Table.Name),
		Key:                       s.def.Key(label).KeyAttrs(),
		ConditionExpression:       aws.String("#label = :label"),
		ExpressionAttributeNames:  map[string]string{"#label": attrLabel},
		ExpressionAttributeValues: map[string]types.AttributeValue{":label": dynamo.S(label)},
	}}}}
}

// Hold returns the transaction item that adds delta (+1 or -1) to the number
// of clients holding the item labelled exactly label; it fails its condition
// when no such item exists. Whoever assigns levels or statuses to clients
// writes it in the same transaction as the assignment, which is what makes
// Delete refuse items that clients hold. Built-in items are never deleted,
// so they are not counted (ok is false).
func (s *Store[T]) Hold(label string, delta int64) (item types.TransactWriteItem, ok bool) {
	if b, isBuiltin := s.def.builtin(label); isBuiltin && s.def.Label(b) == label {
		return types.TransactWriteItem{}, false
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                aws.String(s.env.Table.Name),
		Key:                      s.def.Key(label).KeyAttrs(),
		UpdateExpression:         aws.String("ADD #holders :delta"),
		ConditionExpression:      aws.String("#label = :label"),
		ExpressionAttributeNames: map[string]string{"#label": attrLabel, "#holders": attrHolders},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":label": dynamo.S(label), ":delta": dynamo.N(delta),
		},
	}}, true
}

// Decode returns the document a stored item holds (the section's defaults
// when item is nil, that is before its first save), normalized: what the
// client side reads when it fetched the item itself, in a Query or a
// BatchGetItem with other items.
func (s *Store[T]) Decode(item map[string]types.AttributeValue) (Record[T], error) {
	var rec Record[T]
	if item == nil {
		b, ok := s.def.builtin(s.def.Section)
		if !ok {
			return rec, fmt.Errorf("decode %s: no item and no defaults", s.def.what(s.def.Section))
		}
		rec.Doc = b
	} else {
		var err error
		if rec, err = s.decode(item, s.def.Section); err != nil {
			return rec, err
		}
	}
	s.def.Normalize(&rec.Doc)
	return rec, nil
}
