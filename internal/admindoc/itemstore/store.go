// Package itemstore keeps a collection of labelled configuration items
// (verification levels, statuses) in the configuration partition. Each item
// has its own version; creates, updates and deletes are conditional writes
// with an audit entry in the same transaction, and labels are unique
// regardless of case because the key is the lower-cased label.
//
// A collection may have built-in items (the default status "Init") that
// exist before they are first saved and can never be created or deleted.
package itemstore

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

	"clientarea/internal/admindoc/audit"
	"clientarea/internal/admindoc/versioned"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
)

// Spec says what one collection is.
type Spec[T any] struct {
	Noun     string                        // "level", "status": for messages
	Type     string                        // the items' "type" attribute (dynamo.TypeLevel...)
	Audit    string                        // the audit section of its changes ("verification-levels")
	Prefix   string                        // sort key prefix of its items (dynamo.LevelPrefix)
	Key      func(label string) dynamo.Key // the key of an item, from its label in any case
	Label    func(T) string
	Builtins func() []T // items that exist before they are first saved; may be nil
	// ValidLabel tells a label some item could have from one no item can
	// have (too long for a key, say), which is then simply not found.
	ValidLabel func(string) bool
}

// Record is an item with its metadata. Version 0 means a built-in item that
// was never saved.
type Record[T any] = versioned.Record[T]

// Store reads and writes one collection.
type Store[T any] struct {
	spec  Spec[T]
	table dynamo.Table
	clock clock.Clock
}

// New returns the store of the collection spec describes.
func New[T any](table dynamo.Table, clk clock.Clock, spec Spec[T]) *Store[T] {
	return &Store[T]{spec: spec, table: table, clock: clk}
}

// Spec returns the collection's description.
func (s *Store[T]) Spec() Spec[T] { return s.spec }

// stored is the item's own attributes besides its metadata and "doc" map.
// Holders counts the clients that hold the item (see Hold).
type stored struct {
	Label   string `dynamodbav:"label"`
	Holders int64  `dynamodbav:"holders"`
}

// builtin returns the built-in item whose label is label in any case.
func (s *Store[T]) builtin(label string) (T, bool) {
	var zero T
	if s.spec.Builtins == nil {
		return zero, false
	}
	for _, b := range s.spec.Builtins() {
		if strings.EqualFold(s.spec.Label(b), label) {
			return b, true
		}
	}
	return zero, false
}

// IsBuiltin reports whether label names a built-in item (in any case).
func (s *Store[T]) IsBuiltin(label string) bool {
	_, ok := s.builtin(label)
	return ok
}

// NotFound is the answer for a label that names no item.
func (s *Store[T]) NotFound(label string) error {
	return apperr.Newf(apperr.NotFound, "not_found", "there is no %s %q", s.spec.Noun, label)
}

// VersionConflict is the answer to a write based on a stale version.
func (s *Store[T]) VersionConflict(label string) error {
	return versioned.Conflict(s.spec.Noun + " " + label)
}

// Get returns the item labelled label (any case).
func (s *Store[T]) Get(ctx context.Context, label string) (Record[T], error) {
	if !s.spec.ValidLabel(label) {
		return Record[T]{}, s.NotFound(label)
	}
	out, err := s.table.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table.Name),
		Key:            s.spec.Key(label).KeyAttrs(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Record[T]{}, fmt.Errorf("load %s %s: %w", s.spec.Noun, label, err)
	}
	if out.Item == nil {
		if b, ok := s.builtin(label); ok {
			return Record[T]{Doc: b}, nil
		}
		return Record[T]{}, s.NotFound(label)
	}
	rec, _, err := s.decode(out.Item)
	return rec, err
}

// List returns every item, built-in ones first, the others by label.
func (s *Store[T]) List(ctx context.Context) ([]Record[T], error) {
	var recs []Record[T]
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.table.Name),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(dynamo.ConfigPartition()), ":prefix": dynamo.S(s.spec.Prefix),
		},
		ConsistentRead: aws.Bool(true),
	}
	for {
		out, err := s.table.DB.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list %s items: %w", s.spec.Noun, err)
		}
		for _, av := range out.Items {
			rec, _, err := s.decode(av)
			if err != nil {
				return nil, err
			}
			recs = append(recs, rec)
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	var builtins []Record[T]
	if s.spec.Builtins != nil {
		for _, b := range s.spec.Builtins() {
			i := slices.IndexFunc(recs, func(r Record[T]) bool { return strings.EqualFold(s.spec.Label(r.Doc), s.spec.Label(b)) })
			if i < 0 {
				builtins = append(builtins, Record[T]{Doc: b})
			} else {
				builtins = append(builtins, recs[i])
				recs = slices.Delete(recs, i, i+1)
			}
		}
	}
	return append(builtins, recs...), nil
}

func (s *Store[T]) decode(av map[string]types.AttributeValue) (Record[T], stored, error) {
	var it stored
	var rec Record[T]
	if err := dynamo.UnmarshalItem(av, &it, "doc"); err != nil {
		return rec, it, fmt.Errorf("decode %s: %w", s.spec.Noun, err)
	}
	if err := dynamo.DecodeRecord(av, &rec); err != nil {
		return rec, it, fmt.Errorf("decode %s %s: %w", s.spec.Noun, it.Label, err)
	}
	return rec, it, nil
}

// Create stores doc as a new item at version 1. A label that is taken, in
// any case, is 409 label_taken.
func (s *Store[T]) Create(ctx context.Context, doc T, actor string) (Record[T], error) {
	label := s.spec.Label(doc)
	if s.IsBuiltin(label) {
		return Record[T]{}, s.labelTaken(label)
	}
	rec, err := s.write(ctx, Record[T]{}, doc, actor, nil, true)
	if errors.Is(err, errStale) {
		return Record[T]{}, s.labelTaken(label)
	}
	return rec, err
}

func (s *Store[T]) labelTaken(label string) error {
	return apperr.Newf(apperr.Conflict, "label_taken", "a %s labelled %q already exists (labels are unique regardless of case)", s.spec.Noun, label)
}

// Update stores after as the next version of before's item, if its stored
// version is still before.Version. checks must hold in the same transaction.
func (s *Store[T]) Update(ctx context.Context, before Record[T], after T, actor string, checks []types.TransactWriteItem) (Record[T], error) {
	rec, err := s.write(ctx, before, after, actor, checks, false)
	if errors.Is(err, errStale) {
		return Record[T]{}, s.VersionConflict(s.spec.Label(before.Doc))
	}
	return rec, err
}

const modifyAttempts = 3

// Modify applies change to the item's current document and saves the result
// as its next version. With expected set, the item must be at that version
// (412 otherwise). Without it, a write that lands between the read and the
// save makes Modify read again and reapply change, so no update is lost.
func (s *Store[T]) Modify(ctx context.Context, label string, expected *int64, actor string, change func(T) (T, error)) (Record[T], error) {
	for attempt := 1; ; attempt++ {
		before, err := s.Get(ctx, label)
		if err != nil {
			return Record[T]{}, err
		}
		if expected != nil && *expected != before.Version {
			return Record[T]{}, s.VersionConflict(s.spec.Label(before.Doc))
		}
		after, err := change(before.Doc)
		if err != nil {
			return Record[T]{}, err
		}
		rec, err := s.write(ctx, before, after, actor, nil, false)
		if !errors.Is(err, errStale) {
			return rec, err
		}
		if expected != nil || attempt == modifyAttempts {
			return Record[T]{}, s.VersionConflict(s.spec.Label(before.Doc))
		}
	}
}

var errStale = errors.New("the item's version condition failed")

// CheckFailed reports which of a write's extra condition checks failed.
type CheckFailed struct{ Index int }

func (c *CheckFailed) Error() string { return fmt.Sprintf("condition check %d failed", c.Index) }

// write is one create or update: [item update, audit put, checks...].
// Updating with SET (not a Put) keeps attributes the document does not own,
// such as the holders count.
func (s *Store[T]) write(ctx context.Context, before Record[T], after T, actor string, checks []types.TransactWriteItem, create bool) (Record[T], error) {
	label := s.spec.Label(after)
	next := before.Next(after, actor, s.clock.Now())
	doc, err := dynamo.MarshalDoc(after)
	if err != nil {
		return Record[T]{}, err
	}
	meta := dynamo.MetaAttrs(next.Meta)
	update := &types.Update{
		TableName:        aws.String(s.table.Name),
		Key:              s.spec.Key(label).KeyAttrs(),
		UpdateExpression: aws.String("SET #type = :type, #label = :label, #version = :version, #at = :at, #by = :by, #doc = :doc"),
		ExpressionAttributeNames: map[string]string{
			"#type": "type", "#label": "label", "#version": "version", "#at": "updated_at", "#by": "updated_by", "#doc": "doc",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":type": dynamo.S(s.spec.Type), ":label": dynamo.S(label), ":doc": doc,
			":version": meta["version"], ":at": meta["updated_at"], ":by": meta["updated_by"],
		},
	}
	if before.Version == 0 { // a new item, or a built-in one saved for the first time
		update.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		update.ConditionExpression = aws.String("#version = :expected")
		update.ExpressionAttributeValues[":expected"] = dynamo.N(before.Version)
	}
	var was any
	if !create {
		was = before.Doc
	}
	entry, err := s.auditPut(label, next.UpdatedAt, actor, next.Version, was, after)
	if err != nil {
		return Record[T]{}, err
	}
	items := append([]types.TransactWriteItem{{Update: update}, entry}, checks...)
	if err := s.transact(ctx, items, "save"); err != nil {
		return Record[T]{}, err
	}
	return next, nil
}

// Delete removes before's item if its stored version is still
// before.Version and no client holds it; checks (such as "no section names
// it") must hold in the same transaction. A held item is 409 in_use.
func (s *Store[T]) Delete(ctx context.Context, before Record[T], actor string, checks []types.TransactWriteItem) error {
	label := s.spec.Label(before.Doc)
	del := &types.Delete{
		TableName:                aws.String(s.table.Name),
		Key:                      s.spec.Key(label).KeyAttrs(),
		ConditionExpression:      aws.String("#version = :expected AND (attribute_not_exists(#holders) OR #holders <= :zero)"),
		ExpressionAttributeNames: map[string]string{"#version": "version", "#holders": "holders"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":expected": dynamo.N(before.Version), ":zero": dynamo.N(0),
		},
	}
	entry, err := s.auditPut(label, s.clock.Now(), actor, 0, before.Doc, nil)
	if err != nil {
		return err
	}
	items := append([]types.TransactWriteItem{{Delete: del}, entry}, checks...)
	err = s.transact(ctx, items, "delete")
	if !errors.Is(err, errStale) {
		return err
	}
	// The item's own condition failed: find out which half of it.
	now, getErr := s.Get(ctx, label)
	switch {
	case getErr != nil:
		return getErr // gone: not_found
	case now.Version != before.Version:
		return s.VersionConflict(label)
	default:
		return apperr.Newf(apperr.Conflict, "in_use", "%s %s is held by clients and cannot be deleted", s.spec.Noun, label)
	}
}

func (s *Store[T]) auditPut(label string, at time.Time, actor string, version int64, before, after any) (types.TransactWriteItem, error) {
	return audit.Put(s.table.Name, audit.Entry{
		Section: s.spec.Audit, Subject: label, Actor: actor, At: at, Version: version, Before: before, After: after,
	})
}

// transact runs items ([item write, audit entry, checks...]) and reports a
// failed item condition as errStale and a failed check as *CheckFailed.
func (s *Store[T]) transact(ctx context.Context, items []types.TransactWriteItem, op string) error {
	err := s.table.TransactWrite(ctx, items)
	if err == nil || !dynamo.IsConditionFailed(err) {
		if err != nil {
			return fmt.Errorf("%s %s: %w", op, s.spec.Noun, err)
		}
		return nil
	}
	failed := dynamo.FailedConditions(err)
	if len(failed) == 0 || failed[0] < 2 { // the item's own condition decides first
		return errStale
	}
	return &CheckFailed{Index: failed[0] - 2}
}

// ExistsCheck returns a condition check, for another write's transaction,
// that an item labelled exactly label exists; nil for a built-in item,
// which always exists.
func (s *Store[T]) ExistsCheck(label string) *types.TransactWriteItem {
	if b, ok := s.builtin(label); ok && s.spec.Label(b) == label {
		return nil
	}
	return &types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(s.table.Name),
		Key:                       s.spec.Key(label).KeyAttrs(),
		ConditionExpression:       aws.String("#label = :label"),
		ExpressionAttributeNames:  map[string]string{"#label": "label"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":label": dynamo.S(label)},
	}}
}

// Hold returns the transaction item that adds delta (+1 or -1) to the number
// of clients holding the item labelled exactly label; it fails its condition
// when no such item exists. Whoever assigns levels or statuses to clients
// writes it in the same transaction as the assignment, which is what makes
// Delete refuse items that clients hold. Built-in items are never deleted,
// so they are not counted (ok is false).
func (s *Store[T]) Hold(label string, delta int64) (item types.TransactWriteItem, ok bool) {
	check := s.ExistsCheck(label)
	if check == nil {
		return types.TransactWriteItem{}, false
	}
	cc := check.ConditionCheck
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 cc.TableName,
		Key:                       cc.Key,
		UpdateExpression:          aws.String("ADD #holders :delta"),
		ConditionExpression:       cc.ConditionExpression,
		ExpressionAttributeNames:  map[string]string{"#label": "label", "#holders": "holders"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":label": dynamo.S(label), ":delta": dynamo.N(delta)},
	}}, true
}
