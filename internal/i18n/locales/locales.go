// Package locales is the list of languages the product can be offered in,
// with their English and native names. It is built from the CLDR data that
// golang.org/x/text carries, not typed by hand: every language whose names
// CLDR provides (language/display's supported set), without regional and
// script variants that CLDR only describes as "Language (Region)", but with
// those it names as languages of their own (Brazilian Portuguese, Latin
// American Spanish, Traditional Chinese...).
package locales

import (
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Language is one available language.
type Language struct {
	Code       string `json:"code"` // BCP 47: "de", "pt-BR"
	Name       string `json:"name"` // in English
	NativeName string `json:"native_name"`
}

var all = sync.OnceValue(build)

func build() []Language {
	english := display.English.Tags()
	seen := map[string]bool{}
	var out []Language
	add := func(tag language.Tag) {
		code := tag.String()
		name := english.Name(tag)
		if seen[code] || name == "" || strings.Contains(name, "(") {
			return
		}
		native := display.Self.Name(tag)
		if native == "" {
			native = name
		}
		seen[code] = true
		out = append(out, Language{Code: code, Name: name, NativeName: native})
	}
	for _, tag := range display.Supported.Tags() {
		add(tag)
		// The language as spoken in its most likely region, when CLDR has
		// a name of its own for it (pt -> pt-BR "Brazilian Portuguese").
		if base, conf := tag.Base(); conf != language.No {
			if region, conf := tag.Region(); conf != language.Exact && conf != language.No {
				if t, err := language.Compose(base, region); err == nil {
					add(t)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Available returns every available language, ordered by code.
func Available() []Language { return append([]Language(nil), all()...) }

// Lookup returns the available language that code names, in any case or
// spelling BCP 47 allows ("pt-br", "PT_BR" is not BCP 47 and fails).
func Lookup(code string) (Language, bool) {
	tag, err := language.Parse(code)
	if err != nil || strings.TrimSpace(code) != code {
		return Language{}, false
	}
	canonical := tag.String()
	list := all()
	i := sort.Search(len(list), func(i int) bool { return list[i].Code >= canonical })
	if i < len(list) && list[i].Code == canonical {
		return list[i], true
	}
	return Language{}, false
}

// Search returns the available languages whose code, English name or
// native name contains q, case-insensitively; an exact code match comes
// first, then names that start with q, then the rest, each by code.
// An empty q returns every language.
func Search(q string) []Language {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return Available()
	}
	var ranked [3][]Language
	for _, l := range all() {
		code, name, native := strings.ToLower(l.Code), strings.ToLower(l.Name), strings.ToLower(l.NativeName)
		switch {
		case code == q:
			ranked[0] = append(ranked[0], l)
		case strings.HasPrefix(name, q) || strings.HasPrefix(native, q):
			ranked[1] = append(ranked[1], l)
		case strings.Contains(code, q) || strings.Contains(name, q) || strings.Contains(native, q):
			ranked[2] = append(ranked[2], l)
		}
	}
	out := []Language{}
	for _, r := range ranked {
		out = append(out, r...)
	}
	return out
}
