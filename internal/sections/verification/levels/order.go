package levels

import (
	"slices"

	"clientarea/internal/admindoc"
)

// Order is the level-order section: the verification levels from lowest
// to highest, as the admins rank them. A level satisfies a requirement when
// it is the required level or ranks above it here (see Satisfies).
type Order struct {
	Levels []string `json:"levels"` // exact labels, lowest first
}

// OrderSectionName is the section's name (/admin/config/level-order).
const OrderSectionName = "level-order"

// OrderSection is the level order's definition; levels may be nil for code
// that only decodes the section.
func OrderSection(levels *admindoc.Store[Level]) admindoc.Definition[Order] {
	return admindoc.Definition[Order]{
		Section:   OrderSectionName,
		Normalize: (*Order).Normalize,
		Validate:  Order.Validate,
	}
}

// Normalize fills a left-out list.
func (o *Order) Normalize() {
	if o.Levels == nil {
		o.Levels = []string{}
	}
}

// Validate checks a normalized order.
func (o Order) Validate() error { return nil }

// Satisfies reports whether a client holding level held meets a
// requirement of level required: it is that level, or both are ranked and
// held ranks above required. "" (no level) satisfies only no requirement.
func (o Order) Satisfies(required, held string) bool {
	if required == "" || held == required {
		return true
	}
	r, h := slices.Index(o.Levels, required), slices.Index(o.Levels, held)
	return r >= 0 && h > r
}
