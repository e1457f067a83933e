package levels

import (
	"context"
	"slices"
	"strings"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Order is the level-order section: the verification levels from lowest
// to highest, as the admins rank them. A level satisfies a requirement when
// it is the required level or ranks above it here (see Satisfies). A level
// left out of the order is unranked: it satisfies only a requirement that
// names it exactly, and only it satisfies such a requirement.
//
// Every listed level exists: a save checks that in its own transaction and
// a level's delete checks that the order does not list it, so an order
// never names a level that is gone, however the two interleave.
type Order struct {
	Levels []string `json:"levels"` // exact labels, lowest first
}

// OrderSectionName is the section's name (/admin/config/level-order).
const OrderSectionName = "level-order"

// maxOrdered is how many levels the order may list: a save's transaction
// holds the section's write, its audit entry and one existence check per
// listed level, and DynamoDB allows 100 items in a transaction.
const maxOrdered = 90

// unranked is the read-only answer field listing the levels the order
// leaves out.
const unranked = "unranked"

// OrderSection is the level order's definition. With levels, a save checks
// in its transaction that every listed level exists, and answers (a PUT's;
// a GET's with ?include=unranked) list the unranked levels; levels may be
// nil for code that only decodes the section (and never saves it).
func OrderSection(levels *admindoc.Store[Level]) admindoc.Definition[Order] {
	def := admindoc.Definition[Order]{
		Section:   OrderSectionName,
		Normalize: (*Order).Normalize,
		Validate:  Order.Validate,
	}
	if levels == nil {
		return def
	}
	def.Checks = func(o Order) []admindoc.Check {
		var checks []admindoc.Check
		for i, label := range o.Levels {
			checks = append(checks, levels.ExistsCheck(label, UnknownLevel(orderField(i), label))...)
		}
		return checks
	}
	// The levels and the section in one Query: LEVEL#… < SECTION#level-order.
	def.Around = admindoc.KeyRange{From: dynamo.LevelPrefix, To: dynamo.SectionKey(OrderSectionName).SK}
	def.Annotate = func(ctx context.Context, o Order, near admindoc.Nearby) (map[string]any, error) {
		left, err := unrankedLevels(ctx, levels, near, o)
		if err != nil {
			return nil, err
		}
		return map[string]any{unranked: left}, nil
	}
	def.Annotations = []string{unranked}
	return def
}

// unrankedLevels lists the labels of the existing levels o leaves out, in
// the store's order: what the admins have still to place. The levels come
// from near when they were read with the section.
func unrankedLevels(ctx context.Context, levels *admindoc.Store[Level], near admindoc.Nearby, o Order) ([]string, error) {
	recs, err := levels.ListNear(ctx, near)
	if err != nil {
		return nil, err
	}
	left := []string{}
	for _, rec := range recs {
		if !slices.Contains(o.Levels, rec.Doc.Label) {
			left = append(left, rec.Doc.Label)
		}
	}
	return left, nil
}

// orderField names the order's i-th entry in answers.
func orderField(i int) string { return "levels[" + itoa(i) + "]" }

// Normalize fills a left-out list.
func (o *Order) Normalize() {
	if o.Levels == nil {
		o.Levels = []string{}
	}
}

// Validate checks a normalized order, naming every bad entry: each must
// have the form of a level label and be listed once (labels are unique
// regardless of case). Whether the listed levels exist is checked in the
// save's own transaction.
func (o Order) Validate() error {
	var f apperr.Fields
	f.Check(len(o.Levels) <= maxOrdered, "levels", "at most %d levels", maxOrdered)
	for i, label := range o.Levels {
		switch {
		case !ValidLabel(label):
			f.Add(orderField(i), "is no verification level label: 1-64 letters, digits, _ or -")
		case slices.IndexFunc(o.Levels, func(l string) bool { return strings.EqualFold(l, label) }) < i:
			f.Add(orderField(i), "%s is listed twice", quote(label))
		}
	}
	return f.Err()
}

// Satisfies reports whether a client holding level held meets a
// requirement of level required: it is that level, or both are ranked and
// held ranks above required. "" (no requirement) is always met, and "" (no
// level held) meets only that.
func (o Order) Satisfies(required, held string) bool {
	if required == "" || held == required {
		return true
	}
	r, h := slices.Index(o.Levels, required), slices.Index(o.Levels, held)
	return r >= 0 && h > r
}
