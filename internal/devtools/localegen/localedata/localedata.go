// Package localedata renders internal/i18n/locales/languages_gen.go from
// the CLDR data in golang.org/x/text: the available languages and what
// locales.Lookup needs to read every spelling x/text's language.Parse
// reads as one of them. It is not part of command localegen so that the
// tests of package locales can render the file in memory, compare it with
// the one on disk and use Languages as their reference.
package localedata

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Language is one available language, as locales.Language.
type Language struct{ Code, Name, NativeName string }

// Languages is every language whose names CLDR provides (display's
// supported set), without regional and script variants that CLDR only
// describes as "Language (Region)", but with those it names as languages of
// their own (Brazilian Portuguese, Latin American Spanish, Traditional
// Chinese...), ordered by code.
func Languages() []Language {
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

// Grandfathered are the tags BCP 47 (RFC 5646, 2.2.8) keeps whole, plus
// CLDR's "root" and "en_US_POSIX": x/text reads them before splitting a tag
// into subtags, and the list is closed.
var Grandfathered = []string{
	"art-lojban", "cel-gaulish", "en-gb-oed", "i-ami", "i-bnn", "i-default",
	"i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo", "i-navajo",
	"i-pwn", "i-tao", "i-tay", "i-tsu", "no-bok", "no-nyn", "sgn-be-fr",
	"sgn-be-nl", "sgn-ch-de", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan",
	"zh-xiang", "root", "en-us-posix",
}

// alias is one generated {from, to} pair.
type alias struct{ from, to string }

// tables is what languages_gen.go holds besides the list.
type tables struct {
	langAliases, regionAliases, grandfathered []alias
	known                                     []byte // bit i: LangSubtags()[i] is known
}

// LangSubtags is every two- and three-letter lower-case string: aa..zz,
// then aaa..zzz (the order of the bits of knownLangs).
func LangSubtags() []string {
	return append(Words(letters, 2), Words(letters, 3)...)
}

const letters = "abcdefghijklmnopqrstuvwxyz"

// Words is every string of n characters from alphabet, in order.
func Words(alphabet string, n int) []string {
	out := []string{""}
	for range n {
		var next []string
		for _, w := range out {
			for _, c := range alphabet {
				next = append(next, w+string(c))
			}
		}
		out = next
	}
	return out
}

// build derives the tables by asking language.Parse about every subtag
// that can stand in each position.
func build(list []Language) tables {
	avail := map[string]bool{}
	bases, regions := map[string]bool{}, map[string]bool{}
	for _, l := range list {
		avail[l.Code] = true
		base, rest, _ := strings.Cut(l.Code, "-")
		bases[base] = true
		if len(rest) == 2 || len(rest) == 3 {
			regions[rest] = true
		}
	}
	var t tables
	subtags := LangSubtags()
	t.known = make([]byte, (len(subtags)+7)/8)
	for i, s := range subtags {
		tag, err := language.Parse(s)
		if err != nil {
			continue
		}
		t.known[i/8] |= 1 << (i % 8)
		// ISO 639-2 codes, deprecated and legacy ones ("ger", "iw",
		// "tl", "sh" -> "sr-Latn"); those of languages that are not
		// available cannot lead to one.
		if to := tag.String(); to != s && bases[strings.Split(to, "-")[0]] {
			t.langAliases = append(t.langAliases, alias{s, to})
		}
	}
	// Regions: ISO 3166 alpha-2 (deprecated ones too: "UK", "ZR"),
	// alpha-3 and UN M.49 numbers, read after a script so that three
	// letters are a region and not an extended language subtag.
	for _, s := range append(append(Words(letters, 2), Words(letters, 3)...), Words("0123456789", 3)...) {
		tag, err := language.Parse("en-Latn-" + s)
		if err != nil {
			continue
		}
		if _, _, r := tag.Raw(); regions[r.String()] && r.String() != strings.ToUpper(s) {
			t.regionAliases = append(t.regionAliases, alias{s, r.String()})
		}
	}
	// Scripts need no table: x/text's one script alias, Qaai -> Zinh,
	// leads to no available language (the tests of package locales try
	// every script).
	for _, g := range Grandfathered {
		tag, err := language.Parse(g)
		to := tag.String()
		if err != nil || !avail[to] {
			to = ""
		}
		t.grandfathered = append(t.grandfathered, alias{g, to})
	}
	for _, a := range [][]alias{t.langAliases, t.regionAliases, t.grandfathered} {
		sort.Slice(a, func(i, j int) bool { return a[i].from < a[j].from })
	}
	return t
}

const header = `// Code generated by localegen from the CLDR data in golang.org/x/text; DO NOT EDIT.

package locales
`

// Source returns the gofmt'ed Go source of languages_gen.go.
func Source() ([]byte, error) {
	list := Languages()
	for _, l := range list {
		// Lookup composes codes from their parts: each must be what x/text
		// itself spells.
		if tag, err := language.Parse(l.Code); err != nil || tag.String() != l.Code {
			return nil, fmt.Errorf("%s is not canonical", l.Code)
		}
	}
	t := build(list)
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("\n// languages is every available language, ordered by code.\nvar languages = [...]Language{\n")
	for _, l := range list {
		fmt.Fprintf(&b, "{%q, %q, %q},\n", l.Code, l.Name, l.NativeName)
	}
	b.WriteString("}\n")
	writeAliases(&b, "langAliases", `are the language subtags x/text replaces (ISO 639-2
// codes, deprecated and legacy ones) when the replacement's language is
// available, ordered by from.`, t.langAliases)
	writeAliases(&b, "regionAliases", `are the region subtags x/text replaces by a region of
// an available language (alpha-3, UN M.49, deprecated codes), ordered by
// from.`, t.regionAliases)
	writeAliases(&b, "grandfathered", `are the tags x/text reads whole, lower case, with the
// available language each stands for ("" for none), ordered by from.`, t.grandfathered)
	b.WriteString(`
// knownLangs has bit i (byte i/8, bit i%8) set when x/text knows the
// i-th two- or three-letter language subtag, aa..zz then aaa..zzz.
const knownLangs = "" +
`)
	for i := 0; i < len(t.known); i += 24 {
		b.WriteString(`"`)
		for _, c := range t.known[i:min(i+24, len(t.known))] {
			fmt.Fprintf(&b, `\x%02x`, c)
		}
		b.WriteString(`"`)
		if i+24 < len(t.known) {
			b.WriteString(" +")
		}
		b.WriteString("\n")
	}
	return format.Source(b.Bytes())
}

func writeAliases(b *bytes.Buffer, name, doc string, as []alias) {
	fmt.Fprintf(b, "\n// %s %s\nvar %s = [...]alias{\n", name, doc, name)
	for _, a := range as {
		fmt.Fprintf(b, "{%q, %q},\n", a.from, a.to)
	}
	b.WriteString("}\n")
}
