// Package levels is the verification configuration's data: the
// verification levels and statuses (labelled admin documents a client
// holds), the account requirements (the verification section) that name
// them, and the level order, with their rules and stores. It is what other
// functions read; the verification function that serves it over HTTP is
// package verification.
//
// The level order (section level-order, type Order) ranks levels from
// lowest to highest. A client's level satisfies a required level when it is
// that level or ranks above it (Order.Satisfies): with the order
// [kyc1 kyc2 kyc3] and required_level kyc2, clients at kyc2 or kyc3 may
// open accounts, clients at kyc1 may not. A level the order leaves out is
// unranked: it satisfies only a requirement naming it exactly, and a
// requirement naming it is satisfied only by it. Labels are compared
// exactly, as required_level names them.
//
// Levels and statuses may be named by the verification section, levels
// also by the level order, and, once clients exist, held by clients. A
// delete refuses all of these in its own transaction: the sections through
// condition checks on their items (levelDeleteChecks, statusDeleteChecks),
// clients through the holders count that admindoc.Store.Hold maintains
// (the clients' writes add Levels(env).Hold(label, ±1) to their
// transactions).
package levels

import (
	"slices"
	"strings"

	"clientarea/internal/admindoc"
	"clientarea/internal/i18n/locales"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/documents"
)

// Level is a verification level: what a client must provide to reach it.
type Level struct {
	Label             string               `json:"label"`              // unique regardless of case; immutable
	Type              string               `json:"type"`               // personal or business; immutable
	Properties        []string             `json:"properties"`         // names of the level's custom fields
	RequiredDocuments []string             `json:"required_documents"` // document types (package documents)
	Translations      map[string]LevelText `json:"translations"`       // by BCP 47 language code
}

// LevelText is a level's texts in one language.
type LevelText struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Fields      Strings `json:"fields"` // property name -> its caption in this language; no nulls
}

// Client types a level can be for.
const (
	TypePersonal = "personal"
	TypeBusiness = "business"
)

// Limits of a level's contents.
const (
	maxProperties  = 50
	maxTitle       = 200
	maxDescription = 2000
	maxFieldText   = 500
)

// isName reports whether s has the form of a level or status label or a
// property name: 1-64 ASCII letters, digits, "_" or "-". (A loop rather
// than a regular expression: {1,64} compiles to 64 copies of the class at
// every cold start.)
func isName(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Paths of the collections.
const (
	LevelsPath   = "/admin/verification-levels"
	StatusesPath = "/admin/statuses"
)

// CanonicalCode spells an available language code canonically, and leaves
// anything else for validation to name.
func CanonicalCode(code string) string {
	if l, ok := locales.Lookup(code); ok {
		return l.Code
	}
	return code
}

// LevelsAudit is the audit section of level changes.
const LevelsAudit = "verification-levels"

// levelsDefinition is what verification levels are; deleteChecks are the
// conditions a delete needs (no section names the level: levelDeleteChecks).
func levelsDefinition(deleteChecks func(label string) []admindoc.Check) admindoc.Definition[Level] {
	return admindoc.Definition[Level]{
		Path: LevelsPath, Noun: "verification level", Type: dynamo.TypeLevel, Audit: LevelsAudit,
		Prefix: dynamo.LevelPrefix, Key: dynamo.LevelKey,
		Label: func(l Level) string { return l.Label }, ValidLabel: ValidLabel,
		Normalize: (*Level).Normalize, Validate: Level.Validate, Keep: keepLevel,
		DeleteChecks: deleteChecks,
	}
}

// Levels returns the store of verification levels, for code that reads
// them or holds them for clients (see Store.Hold).
func Levels(env admindoc.Env) *admindoc.Store[Level] {
	return admindoc.New(env, levelsDefinition(levelDeleteChecks))
}

// Normalize fills left-out lists and maps, and spells language codes the
// canonical BCP 47 way ("pt-br" -> "pt-BR").
func (l *Level) Normalize() {
	if l.Properties == nil {
		l.Properties = []string{}
	}
	if l.RequiredDocuments == nil {
		l.RequiredDocuments = []string{}
	}
	l.Translations = canonicalKeys(l.Translations)
	for code, t := range l.Translations {
		if t.Fields == nil {
			t.Fields = Strings{}
			l.Translations[code] = t
		}
	}
}

// Validate checks a normalized level, naming every bad field.
func (l Level) Validate() error {
	var f apperr.Fields
	checkLabel(&f, l.Label)
	f.Check(l.Type == TypePersonal || l.Type == TypeBusiness, "type", "must be %q or %q", TypePersonal, TypeBusiness)
	f.Check(len(l.Properties) <= maxProperties, "properties", "at most %d properties", maxProperties)
	for i, p := range l.Properties {
		field := "properties[" + itoa(i) + "]"
		switch {
		case !isName(p):
			f.Add(field, "must be 1-64 letters, digits, _ or -")
		case slices.IndexFunc(l.Properties, func(q string) bool { return strings.EqualFold(p, q) }) < i:
			f.Add(field, "%q is listed twice", p)
		}
	}
	documents.CheckTypes(&f, "required_documents", l.RequiredDocuments)
	for _, code := range sortedKeys(l.Translations) {
		t, at := l.Translations[code], "translations."+code
		CheckLanguage(&f, at, code)
		f.Check(len([]rune(t.Title)) <= maxTitle, at+".title", "at most %d characters", maxTitle)
		f.Check(len([]rune(t.Description)) <= maxDescription, at+".description", "at most %d characters", maxDescription)
		for _, name := range sortedKeys(t.Fields) {
			f.Check(slices.Contains(l.Properties, name), at+".fields."+name, "is not one of the level's properties")
			f.Check(len([]rune(t.Fields[name])) <= maxFieldText, at+".fields."+name, "at most %d characters", maxFieldText)
		}
	}
	return f.Err()
}

// keepLevel carries the label and type, which never change, into an update.
func keepLevel(before Level, after *Level) error {
	var immutable apperr.Fields
	keep(&immutable, "label", before.Label, &after.Label)
	keep(&immutable, "type", before.Type, &after.Type)
	return immutableErr(immutable)
}

// ValidLabel reports whether label has the form of a level or status label.
func ValidLabel(label string) bool { return isName(label) }

// checkLabel validates a level or status label.
func checkLabel(f *apperr.Fields, label string) {
	f.Check(isName(label), "label", "must be 1-64 letters, digits, _ or -")
}

// CheckLanguage validates a language code used as a translation key.
func CheckLanguage(f *apperr.Fields, field, code string) {
	switch l, ok := locales.Lookup(code); {
	case !ok:
		f.Add(field, "%q is not an available language code (GET /admin/languages/available)", code)
	case l.Code != code:
		f.Add(field, "%q is listed twice (as %q too)", l.Code, code)
	}
}
