package admindoc

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// A section whose answers carry annotations computed from other items of
// the configuration partition (the languages' warnings read the levels and
// the statuses, the level order's unranked levels the levels) names, in
// Definition.Around, a range of the partition's sort keys that holds its
// own item and those items. Its PUT, and a GET that asks for the
// annotations (include), then read the whole range with one strongly
// consistent Query, instead of a GetItem of the section and then the
// annotations' own Queries; the annotations find what was read in a
// Nearby. A plain GET reads the section alone, with one GetItem.

// KeyRange is a range of sort keys of the configuration partition, both
// ends included; the zero KeyRange is none.
type KeyRange struct{ From, To string }

// Prefixes is the range from the first sort key beginning with first to
// the last one beginning with last (the keys of labelled items are ASCII,
// so none sorts after last+"\uffff").
func Prefixes(first, last string) KeyRange { return KeyRange{From: first, To: last + "\uffff"} }

func (r KeyRange) set() bool { return r != KeyRange{} }

// holds reports whether the sort key sk lies in r.
func (r KeyRange) holds(sk string) bool { return r.set() && r.From <= sk && sk <= r.To }

// holdsPrefix reports whether every sort key beginning with prefix lies in r.
func (r KeyRange) holdsPrefix(prefix string) bool {
	return r.set() && prefix != "" && r.From <= prefix && prefix+"\uffff" <= r.To
}

// Nearby is what a section's PUT (or annotated GET) read of its Around
// range, for its annotations: the items of the range, in sort-key order.
// The zero Nearby holds nothing, and ListNear then reads for itself.
type Nearby struct {
	span  KeyRange
	items []map[string]types.AttributeValue
}

// readNear reads every item of span with one strongly consistent Query
// (more only when the range holds over 1 MB).
func (s *Store[T]) readNear(ctx context.Context, span KeyRange) (Nearby, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.env.Table.Name),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(dynamo.ConfigPartition()), ":from": dynamo.S(span.From), ":to": dynamo.S(span.To),
		},
		ConsistentRead: aws.Bool(true),
	}
	items, err := s.env.Table.QueryAll(ctx, in)
	if err != nil {
		return Nearby{}, fmt.Errorf("load %s with what its answers need: %w", s.def.what(s.def.Section), err)
	}
	return Nearby{span: span, items: items}, nil
}

// read returns the document labelled label and, for a section with an
// Around range, what else the range holds, all read at once.
func (s *Store[T]) read(ctx context.Context, label string) (Record[T], Nearby, error) {
	if !s.def.Around.set() {
		rec, err := s.Get(ctx, label)
		return rec, Nearby{}, err
	}
	near, err := s.readNear(ctx, s.def.Around)
	if err != nil {
		return Record[T]{}, Nearby{}, err
	}
	own := s.def.Key(label).SK
	for _, item := range near.items {
		if dynamo.KeyOf(item).SK == own {
			rec, err := s.decode(item, label)
			return rec, near, err
		}
	}
	return Record[T]{Doc: s.def.Default()}, near, nil // never saved
}

// ListNear returns what List returns, taken from near when near holds the
// collection's whole range (the items a section's GET or PUT read with
// it), and read otherwise.
func (s *Store[T]) ListNear(ctx context.Context, near Nearby) ([]Record[T], error) {
	if near.items == nil || !near.span.holdsPrefix(s.def.Prefix) {
		return s.List(ctx)
	}
	var recs []Record[T]
	for _, item := range near.items {
		if !strings.HasPrefix(dynamo.KeyOf(item).SK, s.def.Prefix) {
			continue
		}
		rec, err := s.decode(item, "")
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return s.builtinsFirst(recs), nil
}

// checkAround refuses an Around range that is set on a collection or
// misses the section's own item: a definition's mistake, found when its
// store is built.
func (def Definition[T]) checkAround() {
	if !def.Around.set() {
		return
	}
	if !def.isSection() {
		panic("admindoc: Around is for sections, not the " + def.Noun + " collection")
	}
	if !def.Around.holds(dynamo.SectionKey(def.Section).SK) {
		panic("admindoc: the Around range of section " + def.Section + " does not hold the section")
	}
}
