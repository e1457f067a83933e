// Package locales is the list of languages the product can be offered in,
// with their English and native names. It comes from the CLDR data that
// golang.org/x/text carries, not typed by hand: every language whose names
// CLDR provides (language/display's supported set), without regional and
// script variants that CLDR only describes as "Language (Region)", but with
// those it names as languages of their own (Brazilian Portuguese, Latin
// American Spanish, Traditional Chinese...).
//
// languages_gen.go holds that list and what Lookup needs to read codes the
// way x/text's language.Parse does; it is generated (localegen) because the
// list only changes with x/text, whose tables and package inits would
// otherwise weigh on every cold start. The tests check that the file is
// current and that Lookup agrees with language.Parse, but for two x/text
// bugs Lookup does not copy (equivalence_test.go: xtextBug).
package locales

//go:generate go run ../../devtools/localegen

import (
	"sort"
	"strings"
)

// Language is one available language.
type Language struct {
	Code       string `json:"code"` // BCP 47: "de", "pt-BR"
	Name       string `json:"name"` // in English
	NativeName string `json:"native_name"`
}

// alias is one entry of the generated alias tables.
type alias struct{ from, to string }

// Available returns every available language, ordered by code.
func Available() []Language { return append([]Language(nil), languages[:]...) }

// Lookup returns the available language that code names, in any spelling
// x/text's language.Parse reads as that language: any case, "_" for "-"
// ("PT_br"), ISO 639-2 and deprecated codes ("ger", "iw", "tl"), regions
// by number or alpha-3 ("es-724"), extended language subtags ("zh-yue") and
// grandfathered tags ("i-lux"). Spaces, variants and extensions fail.
func Lookup(code string) (Language, bool) {
	canonical, ok := canonicalize(code)
	if !ok {
		return Language{}, false
	}
	i := sort.Search(len(languages), func(i int) bool { return languages[i].Code >= canonical })
	if i < len(languages) && languages[i].Code == canonical {
		return languages[i], true
	}
	return Language{}, false
}

// canonicalize spells code as x/text would, when it may name an available
// language: the (aliased) language, then script and region, each in its
// case ("sr-Latn", "pt-BR").
func canonicalize(code string) (string, bool) {
	s := lowerASCII(code)
	if to, ok := find(grandfathered[:], s); ok {
		return to, to != ""
	}
	lang, script, region, ok := split(s)
	if !ok {
		return "", false
	}
	// An alias may bring a script or region ("sh" is "sr-Latn", "mo"
	// "ro-MD"); those the code gives win, as in x/text.
	lang, _ = find(langAliases[:], lang)
	lang, impliedScript, impliedRegion := parts(lang)
	if script == "" {
		script = impliedScript
	} else {
		script = upperASCII(script[:1]) + script[1:]
	}
	if region == "" {
		region = impliedRegion
	} else {
		region, _ = find(regionAliases[:], region)
		region = upperASCII(region)
	}
	return join(lang, script, region), true
}

// split reads s (lower case, "-" separated) as x/text's parser does: a
// language, then extended language subtags, each replacing it ("zh-yue" is
// "yue", "und" changes nothing), then an optional script and region.
// Languages x/text does not know fail; unknown scripts and regions need no
// check, as no available code has them. Variants and extensions make a tag
// no available language has, so anything after the region fails too.
func split(s string) (lang, script, region string, ok bool) {
	subtags := strings.Split(s, "-")
	lang, rest := subtags[0], subtags[1:]
	if !known(lang) {
		return "", "", "", false
	}
	for ; len(rest) > 0 && len(rest[0]) == 3 && isLetter(rest[0][0]); rest = rest[1:] {
		if !known(rest[0]) {
			return "", "", "", false
		}
		if rest[0] != "und" {
			lang = rest[0]
		}
	}
	if len(rest) > 0 && len(rest[0]) == 4 && isLetter(rest[0][0]) {
		script, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 && (len(rest[0]) == 2 || len(rest[0]) == 3) {
		region, rest = rest[0], rest[1:]
	}
	return lang, script, region, len(rest) == 0
}

// known reports whether x/text knows s as a language subtag (knownLangs).
func known(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	i := 0
	for _, c := range []byte(s) {
		if !isLetter(c) {
			return false
		}
		i = i*26 + int(c-'a')
	}
	if len(s) == 3 {
		i += 26 * 26 // after aa..zz
	}
	return knownLangs[i/8]&(1<<(i%8)) != 0
}

// find returns the alias of from in table (ordered by from), or from.
func find(table []alias, from string) (string, bool) {
	i := sort.Search(len(table), func(i int) bool { return table[i].from >= from })
	if i < len(table) && table[i].from == from {
		return table[i].to, true
	}
	return from, false
}

// parts splits a canonical tag of at most a language, script and region.
func parts(tag string) (lang, script, region string) {
	lang, rest, _ := strings.Cut(tag, "-")
	for _, p := range strings.Split(rest, "-") {
		if len(p) == 4 {
			script = p
		} else {
			region = p
		}
	}
	return lang, script, region
}

func join(subtags ...string) string {
	var b strings.Builder
	for _, p := range subtags {
		if p != "" {
			if b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// lowerASCII lower-cases ASCII letters and reads "_" as "-", like x/text;
// other characters stay (and fail). strings.ToLower and ToUpper would not
// do: they turn the Kelvin sign into "k" and "ſ" into "S".
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c == '_':
			b[i] = '-'
		}
	}
	return string(b)
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if isLetter(c) {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' }

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
	for _, l := range languages {
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
