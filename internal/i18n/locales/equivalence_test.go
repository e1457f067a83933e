package locales

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/language"

	"clientarea/internal/devtools/localegen/localedata"
)

// This file checks Lookup against what it was before languages_gen.go:
// x/text's language.Parse (which only tests link) over the list localedata
// builds with x/text, on every available code in every spelling, every
// two- and three-letter code, every available language with every region
// and script x/text knows, and random input.

// corpusStride is 1 unless the race detector makes the corpus too slow
// (race_test.go).
var corpusStride = 1

// oracle is the x/text Lookup.
type oracle []localedata.Language

func (o oracle) lookup(code string) (string, bool) {
	tag, err := language.Parse(code)
	if err != nil || strings.TrimSpace(code) != code {
		return "", false
	}
	canonical := tag.String()
	i := sort.Search(len(o), func(i int) bool { return o[i].Code >= canonical })
	if i < len(o) && o[i].Code == canonical {
		return canonical, true
	}
	return "", false
}

func TestAvailableIsTheCLDRList(t *testing.T) {
	var want []Language
	for _, l := range localedata.Languages() {
		want = append(want, Language(l))
	}
	if got := Available(); !slices.Equal(got, want) {
		t.Errorf("Available() has %d languages, x/text %d", len(got), len(want))
	}
}

func TestLookupAgreesWithXText(t *testing.T) {
	o := oracle(localedata.Languages())
	inputs := corpus(o)
	// Two halves in parallel: the corpus takes seconds in one.
	var (
		mu                    sync.Mutex
		found, bugs, failures int
		wg                    sync.WaitGroup
	)
	for half := range 2 {
		wg.Go(func() {
			f, b, fails := agree(o, inputs[half*len(inputs)/2:(half+1)*len(inputs)/2])
			mu.Lock()
			defer mu.Unlock()
			found, bugs, failures = found+f, bugs+b, failures+len(fails)
			for _, msg := range fails[:min(len(fails), 10)] {
				t.Error(msg)
			}
		})
	}
	wg.Wait()
	t.Logf("%d inputs, checked 1 in %d: %d name an available language, %d more only through an x/text bug; %d disagreements",
		len(inputs), corpusStride, found, bugs, failures)
	if len(inputs) < 500000 || found < 20000/corpusStride {
		t.Errorf("corpus too small: %d inputs, %d found", len(inputs), found)
	}
}

// agree compares Lookup with the oracle on inputs: how many name an
// available language, how many only x/text reads as one (xtextBug), and
// the disagreements.
func agree(o oracle, inputs []string) (found, bugs int, failures []string) {
	for i := 0; i < len(inputs); i += corpusStride {
		in := inputs[i]
		want, wantOK := o.lookup(in)
		got, gotOK := Lookup(in)
		switch {
		case gotOK == wantOK && got.Code == want:
			if gotOK {
				found++
			}
		case wantOK && !gotOK && xtextBug(in):
			bugs++
		default:
			failures = append(failures, fmt.Sprintf("Lookup(%q) = %q, %v; x/text: %q, %v", in, got.Code, gotOK, want, wantOK))
		}
	}
	return found, bugs, failures
}

// xtextBug reports inputs that x/text reads as an available language by
// mistake, which Lookup refuses:
//   - the script Zmth (mathematical notation) overflows x/text's compact
//     tag index, which turns "de-Zmth" into "de" and "arz-Zmth" (Egyptian
//     Arabic) into "as" (Assamese);
//   - x/text matches grandfathered tags in a zero-padded buffer after
//     cutting each character to its low byte, so "i-lux\x00" and "i-luŸ"
//     (U+0178) read as "i-lux", Luxembourgish.
func xtextBug(in string) bool {
	if slices.Contains(strings.Split(lowerASCII(in), "-"), "zmth") {
		return true
	}
	return strings.IndexFunc(in, func(r rune) bool { return r == 0 || r >= 0x80 }) >= 0
}

// corpus is the deterministic list of inputs.
func corpus(o oracle) []string {
	var in []string
	for _, l := range o {
		in = append(in, spellings(l.Code)...)
	}
	langs := localedata.LangSubtags()
	for _, s := range append(langs, localedata.Words("abcdefghijklmnopqrstuvwxyz0123456789", 2)...) {
		// Every code alone, and as or before an extended language subtag.
		in = append(in, s, strings.ToUpper(s), s+"-fil", "zh-"+s, s+"-und", "und-"+s, s+"-yue-und")
	}
	in = append(in, localedata.Words("abcdefghijklmnopqrstuvwxyz0123456789", 3)...)
	bases, regional := languageSubtags(o)
	regions := append(localedata.Words("abcdefghijklmnopqrstuvwxyz", 2), localedata.Words("0123456789", 3)...)
	scripts := knownScripts()
	for _, b := range bases {
		for _, r := range regions {
			in = append(in, b+"-"+r)
		}
		for _, s := range scripts {
			in = append(in, b+"-"+s)
		}
	}
	// Languages with a regional or script variant, with a script and a
	// region: every script with the regions of available codes, and
	// common scripts with every region, alpha-3 ones included.
	near, alpha3 := nearRegions(o, regions)
	for _, b := range regional {
		for _, s := range scripts {
			for _, r := range near {
				in = append(in, b+"-"+s+"-"+r)
			}
		}
		for _, s := range []string{"latn", "hant", "hans", "cyrl", "zzzz"} {
			for _, r := range append(regions, alpha3...) {
				in = append(in, b+"-"+s+"-"+r)
			}
		}
	}
	for _, g := range localedata.Grandfathered {
		in = append(in, spellings(g)...)
		in = append(in, g+"x", g[:len(g)-1], g[:len(g)-1]+string(rune(0x100|int(g[len(g)-1]))))
	}
	return append(in, random()...)
}

// spellings are code in every case, with "-" or "_", and decorated in
// ways x/text refuses or reads as something else.
func spellings(code string) []string {
	var out []string
	lower := strings.ToLower(code)
	var letters []int
	for i, c := range lower {
		if 'a' <= c && c <= 'z' {
			letters = append(letters, i)
		}
	}
	for mask := 0; mask < 1<<min(len(letters), 8); mask++ {
		b := []byte(lower)
		for bit, i := range letters[:min(len(letters), 8)] {
			if mask&(1<<bit) != 0 {
				b[i] -= 'a' - 'A'
			}
		}
		out = append(out, string(b), strings.ReplaceAll(string(b), "-", "_"))
	}
	for _, f := range []string{" %s", "%s ", "\t%s", "%s\n", "-%s", "%s-", "%s--", "%s-u-co-phonebk",
		"%s-x-private", "%s-1901", "%s-posix", "%s-valencia", "%s-t-en", "x-%s", "%s\x00", "%s\u212a",
		"%s-und", "und-%s", "%s-zzzz", "%s-zz", "%s-001", "%s-latn", "%s-hant"} {
		out = append(out, fmt.Sprintf(f, code))
	}
	return append(out, strings.ReplaceAll(code, "-", "--"), strings.ReplaceAll(code, "-", " "),
		strings.ReplaceAll(code, "-", "-und-"))
}

// languageSubtags are the language subtags that may lead to an available
// language (the available ones and their aliases), and those of them that
// lead to a language with a regional or script variant.
func languageSubtags(o oracle) (all, regional []string) {
	avail, variants := map[string]bool{}, map[string]bool{}
	for _, l := range o {
		base, _, sub := strings.Cut(l.Code, "-")
		avail[base] = true
		variants[base] = variants[base] || sub
	}
	for _, s := range localedata.LangSubtags() {
		tag, err := language.Parse(s)
		if err != nil {
			continue
		}
		base, _ := tag.Base()
		if avail[base.String()] {
			all = append(all, s)
			if variants[base.String()] || s == "sh" || s == "mo" {
				regional = append(regional, s)
			}
		}
	}
	return all, regional
}

// knownScripts are the script subtags x/text knows, lower case.
func knownScripts() []string {
	var out []string
	for _, s := range localedata.Words("abcdefghijklmnopqrstuvwxyz", 4) {
		if _, err := language.ParseScript(s); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// nearRegions are the region subtags x/text reads as a region of an
// available code, and the alpha-3 ones it knows.
func nearRegions(o oracle, regions []string) (near, alpha3 []string) {
	want := map[string]bool{}
	for _, l := range o {
		if _, r, ok := strings.Cut(l.Code, "-"); ok && len(r) != 4 {
			want[r] = true
		}
	}
	for _, s := range append(regions, localedata.Words("abcdefghijklmnopqrstuvwxyz", 3)...) {
		r, err := language.ParseRegion(s)
		if err != nil {
			continue
		}
		if want[r.Canonicalize().String()] {
			near = append(near, s)
		}
		if len(s) == 3 && s[0] > '9' {
			alpha3 = append(alpha3, s)
		}
	}
	return near, alpha3
}

// random is junk of every kind, and random assemblies of subtags in random
// case and separators, from a fixed seed.
func random() []string {
	rng := rand.New(rand.NewPCG(1, 2))
	junk := []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789--__ \t\u212aſıéŸ\x00\uFFFD")
	pieces := [][]string{
		{"", "de", "en", "pt", "zh", "es", "sr", "sh", "mo", "iw", "ger", "tl", "no", "und", "x", "i", "qaa", "root"},
		{"", "", "yue", "fil", "und", "cmn", "deu"},
		{"", "", "Latn", "Hant", "Hans", "Cyrl", "Zmth", "Qaai", "Zzzz"},
		{"", "", "BR", "PT", "419", "AT", "GB", "UK", "076", "TW", "CD", "ZR", "MD", "XX", "AA"},
		{"", "", "", "1901", "posix", "u-co-phonebk", "x-a", "oxendict", "u", "t-en"},
	}
	var out []string
	for range 100000 {
		b := make([]rune, rng.IntN(14))
		for i := range b {
			b[i] = junk[rng.IntN(len(junk))]
		}
		out = append(out, string(b))
		var parts []string
		for _, p := range pieces {
			if s := p[rng.IntN(len(p))]; s != "" {
				parts = append(parts, s)
			}
		}
		s := strings.Join(parts, []string{"-", "_"}[rng.IntN(2)])
		if rng.IntN(2) == 0 {
			s = strings.ToUpper(s)
		}
		out = append(out, s)
	}
	return out
}
