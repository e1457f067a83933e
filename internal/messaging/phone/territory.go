package phone

import (
	"regexp"
	"sort"
	"sync"
)

// territory is what libphonenumber knows about one region ("DE") or
// non-geographic entity ("001": +800, +882...) that reading and validating
// numbers needs. metadata_gen.go fills it positionally, in this field order.
// Patterns are regexp source, compiled on first use (see compiled).
type territory struct {
	id      string // ISO 3166 region code, or "001"
	cc      int    // country calling code
	leading string // leading digits telling it apart from the other regions of cc ("" if none)
	idd     string // international prefix ("00", "011"), matched at the start
	npp     string // national prefix for parsing, matched at the start
	npt     string // national prefix transform rule ("" if none)
	// sameFixedMobile: fixed-line and mobile numbers cannot be told apart.
	sameFixedMobile bool
	lengths         uint32 // possible lengths of the national number (bit n: length n)
	localLengths    uint32 // lengths only diallable locally (read, never valid)
	general         string // pattern every number of the territory matches
	types           typeDescs
}

// typeDescs are the number types' descriptions, indexed by NumberType-1
// (FixedLine to Voicemail).
type typeDescs [Voicemail]desc

// desc describes one number type: pattern "" means the territory has no
// such numbers; lengths 0 means the general description's.
type desc struct {
	pattern string
	lengths uint32
}

// patterns are a territory's regexps, anchored as libphonenumber anchors
// them: national number patterns match the whole national number, the
// prefixes its start. A nil regexp matches nothing.
type patterns struct {
	general, leading, idd, npp *regexp.Regexp
	types                      [Voicemail]*regexp.Regexp
}

// compiled holds each territory's patterns, compiled on the first number
// that needs them: compiling all of libphonenumber's metadata costs
// milliseconds a cold start that sends no SMS should not pay, and a
// function that does send them mostly sees a handful of countries.
var compiled [len(territories)]struct {
	once sync.Once
	p    *patterns
}

// patternsOf returns territory i's compiled patterns.
func patternsOf(i int) *patterns {
	c := &compiled[i]
	c.once.Do(func() { c.p = compile(&territories[i]) })
	return c.p
}

func compile(t *territory) *patterns {
	p := &patterns{
		general: whole(t.general),
		leading: prefix(t.leading),
		idd:     prefix(t.idd),
		npp:     prefix(t.npp),
	}
	for i, d := range t.types {
		p.types[i] = whole(d.pattern)
	}
	return p
}

// whole compiles a pattern that must match the whole national number.
// MustCompile cannot panic here: phonegen checks that every pattern compiles.
func whole(pattern string) *regexp.Regexp {
	if pattern == "" {
		return nil
	}
	return regexp.MustCompile("^(?:" + pattern + ")$")
}

// prefix compiles a pattern that must match the start of a number.
func prefix(pattern string) *regexp.Regexp {
	if pattern == "" {
		return nil
	}
	return regexp.MustCompile("^(?:" + pattern + ")")
}

// matches reports whether re is non-nil and matches s.
func matches(re *regexp.Regexp, s string) bool { return re != nil && re.MatchString(s) }

// hasLength reports whether mask has bit n.
func hasLength(mask uint32, n int) bool { return n < 32 && mask&(1<<n) != 0 }

// ofCallingCode returns the index range [from, to) of cc's territories,
// empty if cc is not a calling code.
func ofCallingCode(cc int) (from, to int) {
	from = sort.Search(len(territories), func(i int) bool { return territories[i].cc >= cc })
	to = from
	for to < len(territories) && territories[to].cc == cc {
		to++
	}
	return from, to
}

// ofRegion returns the index of region's territory, -1 if it has none.
// "001" is not a region one dials from, as in libphonenumber.
func ofRegion(region string) int {
	if region == "" {
		return -1
	}
	for i := range territories {
		if territories[i].id == region && region != "001" {
			return i
		}
	}
	return -1
}

// callingCode reads the country calling code at the start of digits, as
// libphonenumber does: the first one to three digits that are a calling
// code (they form a prefix code, so at most one is). ok is false if none.
func callingCode(digits string) (cc int, national string, ok bool) {
	cc = 0
	for i := 0; i < 3 && i < len(digits); i++ {
		cc = cc*10 + int(digits[i]-'0')
		if cc == 0 {
			return 0, "", false // calling codes do not start with 0
		}
		if from, to := ofCallingCode(cc); from < to {
			return cc, digits[i+1:], true
		}
	}
	return 0, "", false
}
