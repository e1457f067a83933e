package admindoc

import (
	"net/url"
	"slices"
	"strings"

	"clientarea/internal/platform/apperr"
)

// A section's GET answers the document alone, read with one GetItem. A
// caller that wants the annotations too names them in the query parameter
// include, comma-separated (GET /admin/config/languages?include=warnings):
// the GET then reads the section as its PUT does (with its Around range,
// in one Query) and adds them. A PUT's answer always carries them.

// includeParam is the query parameter that asks a section's GET for its
// annotations.
const includeParam = "include"

// included returns the annotations q asks for (in the order of
// Definition.Annotations), or none for a plain GET (no include, or an empty
// one). A name that is none of the section's annotations, or an empty one
// between commas, is a 422 naming the field include and what it may hold.
func (def Definition[T]) included(q url.Values) ([]string, error) {
	var asked []string
	for _, v := range q[includeParam] {
		if v == "" {
			continue
		}
		for _, name := range strings.Split(v, ",") {
			if !slices.Contains(def.Annotations, name) {
				return nil, apperr.Validation(apperr.FieldError{Field: includeParam, Message: def.includeRule()})
			}
			asked = append(asked, name)
		}
	}
	var names []string
	for _, name := range def.Annotations {
		if slices.Contains(asked, name) {
			names = append(names, name)
		}
	}
	return names, nil
}

// includeRule says what include may name.
func (def Definition[T]) includeRule() string {
	if len(def.Annotations) == 0 {
		return "names nothing " + def.what(def.Section) + " can include: its answers carry no annotations (none)"
	}
	return "must be a comma-separated list of: " + strings.Join(def.Annotations, ", ")
}
