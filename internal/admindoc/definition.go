package admindoc

import (
	"context"
	"strings"

	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
)

// Definition is what makes one kind of admin document different from
// another. A section sets Section (and Defaults when its zero document,
// normalized, is not what it holds before the first save); a collection of
// labelled items sets Path, Noun, Type, Audit, Prefix, Key, Label and
// ValidLabel. Both set the rules.
type Definition[T any] struct {
	// Section is the name of a section: its path segment under
	// /admin/config/ and its audit section.
	Section  string
	Defaults func() T

	Path       string                        // a collection's path: "/admin/verification-levels"
	Noun       string                        // "verification level": for messages
	Type       string                        // the items' "type" attribute (dynamo.TypeLevel...)
	Audit      string                        // the audit section of its changes ("verification-levels")
	Prefix     string                        // sort-key prefix of its items (dynamo.LevelPrefix)
	Key        func(label string) dynamo.Key // an item's key, from its label in any case
	Label      func(T) string
	ValidLabel func(string) bool // false for labels no item can have (then simply not found)
	Builtins   func() []T        // items that exist before they are first saved; may be nil

	Normalize func(*T) // fills left-out and null fields with their defaults
	Validate  func(T) error
	// Keep carries the fields an update may not change from before into
	// after (when after leaves them out) and rejects a change of them.
	Keep func(before T, after *T) error
	// Undeletable, when set, refuses deleting an item outright (the
	// default status) with the error it returns.
	Undeletable func(T) error
	// Checks are conditions a save of doc needs in its own transaction (the
	// level a section names exists); DeleteChecks those of a delete (no
	// section names the item).
	Checks       func(doc T) []Check
	DeleteChecks func(label string) []Check
	// Annotate, when set, adds read-only fields (such as "warnings") to the
	// answers of PUT, and of GET when its include names them; Annotations
	// names them (and what include may name), so that clients may send an
	// answer back as it is: they are ignored. near holds the items of the
	// Around range read with the document (see ListNear).
	Annotate    func(ctx context.Context, doc T, near Nearby) (map[string]any, error)
	Annotations []string
	// Around, when set (sections only), is a range of the configuration
	// partition's sort keys holding the section's own item and every item
	// Annotate reads: PUT, and a GET with include, read the section with
	// them in one Query.
	Around KeyRange
}

// Env is what a store needs from its function.
type Env struct {
	Table dynamo.Table
	Clock clock.Clock
	Guard httpapi.Middleware // admin authorization of the routes
}

// Default returns a section's document before its first save.
func (def Definition[T]) Default() T {
	if def.Defaults != nil {
		return def.Defaults()
	}
	var doc T
	def.Normalize(&doc)
	return doc
}

// isSection reports whether def is a section rather than a collection.
func (def Definition[T]) isSection() bool { return def.Section != "" }

// resolved fills a section's storage description: one built-in item whose
// label is the section's name and whose built-in document is its default.
func (def Definition[T]) resolved() Definition[T] {
	if !def.isSection() {
		return def
	}
	name := def.Section
	def.Path = "/admin/config/" + name
	def.Noun = name
	def.Type = dynamo.TypeSection
	def.Audit = name
	def.Key = func(string) dynamo.Key { return dynamo.SectionKey(name) }
	def.Label = func(T) string { return name }
	def.ValidLabel = func(label string) bool { return label == name }
	def.Builtins = func() []T { return []T{def.Default()} }
	return def
}

// what names the document labelled label in messages.
func (def Definition[T]) what(label string) string {
	if def.isSection() {
		return def.Section
	}
	return def.Noun + " " + label
}

// builtin returns the built-in document labelled label in any case.
func (def Definition[T]) builtin(label string) (T, bool) {
	if def.Builtins != nil {
		for _, b := range def.Builtins() {
			if strings.EqualFold(def.Label(b), label) {
				return b, true
			}
		}
	}
	var zero T
	return zero, false
}
