// Package languages is the Languages configuration section (which languages
// the product uses, which of those clients can pick, and the default) and
// the searchable list of available languages.
package languages

import (
	"context"
	"net/http"
	"strconv"

	"clientarea/internal/admindoc"
	"clientarea/internal/i18n/locales"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
)

// Config is the Languages section document.
type Config struct {
	Active  []Active `json:"active"`  // languages in use; only enabled ones are offered to clients
	Default string   `json:"default"` // must be enabled
}

// Active is one language in use.
type Active struct {
	Code    string `json:"code"` // BCP 47, from the available list
	Enabled bool   `json:"enabled"`
}

// DefaultLanguage is the default before the section is first saved.
const DefaultLanguage = "en"

// Defaults is the document before the first save.
func Defaults() Config {
	return Config{Active: []Active{{Code: DefaultLanguage, Enabled: true}}, Default: DefaultLanguage}
}

// Normalize gives left-out fields their defaults and spells available
// codes canonically ("pt-br" -> "pt-BR").
func (c *Config) Normalize() {
	if c.Active == nil {
		c.Active = Defaults().Active
	}
	if c.Default == "" {
		c.Default = DefaultLanguage
	}
	for i := range c.Active {
		c.Active[i].Code = canonical(c.Active[i].Code)
	}
	c.Default = canonical(c.Default)
}

// Validate checks a normalized document, naming every bad field.
func (c Config) Validate() error {
	var f apperr.Fields
	seen := map[string]bool{}
	for i, a := range c.Active {
		field := "active[" + strconv.Itoa(i) + "].code"
		if _, ok := locales.Lookup(a.Code); !ok {
			f.Add(field, "%q is not an available language code (GET /admin/languages/available)", a.Code)
		} else if seen[a.Code] {
			f.Add(field, "%q is listed twice", a.Code)
		}
		seen[a.Code] = true
	}
	f.Check(c.IsEnabled(c.Default), "default", "must be an enabled language of active")
	return f.Err()
}

// IsEnabled reports whether code is an active, enabled language.
func (c Config) IsEnabled(code string) bool {
	for _, a := range c.Active {
		if a.Code == code && a.Enabled {
			return true
		}
	}
	return false
}

// Enabled lists the enabled languages, in order.
func (c Config) Enabled() []string {
	var out []string
	for _, a := range c.Active {
		if a.Enabled {
			out = append(out, a.Code)
		}
	}
	return out
}

func canonical(code string) string {
	if l, ok := locales.Lookup(code); ok {
		return l.Code
	}
	return code
}

// Gaps finds what texts are missing in a language; warnings name them.
// near holds the levels and the statuses when they were read with the
// section (GapsRange).
type Gaps func(ctx context.Context, near admindoc.Nearby, languages []string) ([]Warning, error)

// GapsRange is the range of the configuration partition that the section
// is read with: from the levels to the statuses, which holds the section
// itself (LEVEL#… < SECTION#… < STATUS#…), so that a PUT, or a GET with
// ?include=warnings, reads all it needs in one Query.
var GapsRange = admindoc.Prefixes(dynamo.LevelPrefix, dynamo.StatusPrefix)

// Section is the section's definition; gaps finds the missing translations
// of the enabled languages, which a successful PUT, and a GET with
// ?include=warnings, report as "warnings" (a plain GET answers the section
// alone, with one GetItem).
func Section(gaps Gaps) admindoc.Definition[Config] {
	return admindoc.Definition[Config]{
		Section:   "languages",
		Defaults:  Defaults,
		Normalize: (*Config).Normalize,
		Validate:  Config.Validate,
		Around:    GapsRange,
		Annotate: func(ctx context.Context, c Config, near admindoc.Nearby) (map[string]any, error) {
			warnings, err := gaps(ctx, near, c.Enabled())
			if err != nil {
				return nil, err
			}
			if warnings == nil {
				warnings = []Warning{}
			}
			return map[string]any{"warnings": warnings}, nil
		},
		Annotations: []string{"warnings"},
	}
}

// Mount serves the section and the available list on rt.
func Mount(rt *httpapi.Router, env admindoc.Env, gaps Gaps) {
	admindoc.Mount(rt, env, Section(gaps))
	rt.Handle("GET /admin/languages/available", available, env.Guard)
}

// available answers the available languages whose code, English name or
// native name contains ?q= (case-insensitively); all without q.
func available(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "private, max-age=3600") // the list changes only with a new release
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"items": locales.Search(r.URL.Query().Get("q"))})
	return nil
}
