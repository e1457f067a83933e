// Package sectionstore keeps one configuration section document (General,
// Documents, Security...) in the table: read with defaults until it is first
// saved, written with optimistic concurrency and an audit entry in the same
// transaction.
package sectionstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/audit"
	"clientarea/internal/admindoc/versioned"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
)

// Record is a section document with its metadata. Version 0 means "never
// saved": the document holds the defaults.
type Record[T any] = versioned.Record[T]

// Store reads and writes one section's document.
type Store[T any] struct {
	table    dynamo.Table
	clock    clock.Clock
	name     string
	defaults func() T
}

// New returns the store of section name; defaults builds its unsaved document.
func New[T any](table dynamo.Table, clk clock.Clock, name string, defaults func() T) *Store[T] {
	return &Store[T]{table: table, clock: clk, name: name, defaults: defaults}
}

// Name is the section's name.
func (s *Store[T]) Name() string { return s.name }

// stored is the section item's own attributes; the metadata and the
// document ("doc", a map) are added as dynamo.MetaAttrs and MarshalDoc.
type stored struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	Type    string `dynamodbav:"type"`
	Section string `dynamodbav:"section"`
}

// Load returns the section document, or its defaults at version 0.
func (s *Store[T]) Load(ctx context.Context) (Record[T], error) {
	out, err := s.table.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table.Name),
		Key:            dynamo.SectionKey(s.name).KeyAttrs(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Record[T]{}, fmt.Errorf("load section %s: %w", s.name, err)
	}
	return s.Decode(out.Item)
}

// Decode turns a stored section item (from a Query of the configuration
// partition, say) into a record; a nil item gives the defaults.
func (s *Store[T]) Decode(av map[string]types.AttributeValue) (Record[T], error) {
	rec := Record[T]{Doc: s.defaults()}
	if av == nil {
		return rec, nil
	}
	if err := dynamo.DecodeRecord(av, &rec); err != nil {
		return rec, fmt.Errorf("decode section %s: %w", s.name, err)
	}
	return rec, nil
}

// Change is one write of the section.
type Change[T any] struct {
	Before Record[T] // what the writer read; its Version is the expected one
	After  T
	Actor  string
	// Checks are extra condition checks that must hold in the same
	// transaction (for instance: the level a section names still exists).
	Checks []types.TransactWriteItem
}

// CheckFailed reports which of a Change's Checks failed, by index.
type CheckFailed struct{ Indexes []int }

func (c *CheckFailed) Error() string { return fmt.Sprintf("condition checks %v failed", c.Indexes) }

// Save writes c.After as the next version, if the stored version is still
// c.Before.Version, together with its audit entry. A stale version is a
// version_conflict error; a failed check is a *CheckFailed.
func (s *Store[T]) Save(ctx context.Context, c Change[T]) (Record[T], error) {
	next := c.Before.Next(c.After, c.Actor, s.clock.Now())
	items, err := s.transaction(c, next)
	if err != nil {
		return Record[T]{}, err
	}
	// A collision with a concurrent writer is retried inside; the version
	// condition then tells who won.
	err = s.table.TransactWrite(ctx, items)
	switch {
	case err == nil:
		return next, nil
	case dynamo.IsConditionFailed(err):
		return Record[T]{}, s.conditionError(err, len(c.Checks))
	default:
		return Record[T]{}, fmt.Errorf("save section %s: %w", s.name, err)
	}
}

func (s *Store[T]) conditionError(err error, checks int) error {
	var failed []int
	for _, i := range dynamo.FailedConditions(err) {
		if i == 0 {
			return versioned.Conflict(s.name)
		}
		if i >= 2 && i-2 < checks {
			failed = append(failed, i-2)
		}
	}
	if len(failed) == 0 {
		return versioned.Conflict(s.name)
	}
	return &CheckFailed{Indexes: failed}
}

// transaction builds [section put, audit put, checks...]; conditionError
// relies on that order.
func (s *Store[T]) transaction(c Change[T], next Record[T]) ([]types.TransactWriteItem, error) {
	doc, err := dynamo.MarshalDoc(next.Doc)
	if err != nil {
		return nil, err
	}
	key := dynamo.SectionKey(s.name)
	attrs := dynamo.MetaAttrs(next.Meta)
	attrs["doc"] = doc
	item, err := dynamo.MarshalItem(stored{PK: key.PK, SK: key.SK, Type: dynamo.TypeSection, Section: s.name}, attrs)
	if err != nil {
		return nil, fmt.Errorf("marshal section %s: %w", s.name, err)
	}
	put := &types.Put{TableName: aws.String(s.table.Name), Item: item}
	if c.Before.Version == 0 {
		put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		put.ConditionExpression = aws.String("version = :expected")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":expected": dynamo.N(c.Before.Version)}
	}
	var before any
	if c.Before.Version > 0 {
		before = c.Before.Doc
	} else {
		before = s.defaults() // the effective document before the first save
	}
	entry, err := audit.Put(s.table.Name, audit.Entry{
		Section: s.name, Actor: c.Actor, At: next.UpdatedAt, Version: next.Version, Before: before, After: next.Doc,
	})
	if err != nil {
		return nil, err
	}
	return append([]types.TransactWriteItem{{Put: put}, entry}, c.Checks...), nil
}

// IsCheckFailed returns the failed check indexes of err, if that is what it is.
func IsCheckFailed(err error) (*CheckFailed, bool) {
	var cf *CheckFailed
	ok := errors.As(err, &cf)
	return cf, ok
}
