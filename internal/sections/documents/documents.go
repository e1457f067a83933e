// Package documents is the Documents configuration section: which of the
// verification documents the product asks clients for.
package documents

import (
	"slices"
	"strconv"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
)

// The document types a client can be asked for.
const (
	PassportOrID  = "passport_or_id"
	BankCardFront = "bank_card_front"
	BankCardBack  = "bank_card_back"
	SourceOfFunds = "source_of_funds"
)

// Types lists every document type, in the order the back office shows them.
func Types() []string { return []string{PassportOrID, BankCardFront, BankCardBack, SourceOfFunds} }

// IsType reports whether t is one of the document types.
func IsType(t string) bool { return slices.Contains(Types(), t) }

// Config is the Documents section document.
type Config struct {
	Required []string `json:"required"` // any subset of Types
}

// Section is the section's definition for the shared section API.
func Section() admindoc.Definition[Config] {
	return admindoc.Definition[Config]{
		Section:   "documents",
		Defaults:  func() Config { return Config{Required: []string{}} },
		Normalize: (*Config).Normalize,
		Validate:  Config.Validate,
	}
}

// Normalize makes a left-out or null list empty.
func (c *Config) Normalize() {
	if c.Required == nil {
		c.Required = []string{}
	}
}

// Validate checks that every entry is a known type, listed once.
func (c Config) Validate() error {
	var f apperr.Fields
	CheckTypes(&f, "required", c.Required)
	return f.Err()
}

// CheckTypes records a problem for each entry of list (the field named
// field) that is not a document type or repeats an earlier one.
func CheckTypes(f *apperr.Fields, field string, list []string) {
	for i, t := range list {
		name := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case !IsType(t):
			f.Add(name, "unknown document type %q; known: %v", t, Types())
		case slices.Index(list, t) < i:
			f.Add(name, "%q is listed twice", t)
		}
	}
}
