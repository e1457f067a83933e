package phone

import "strconv"

// Lengths of the national significant number, as in libphonenumber.
const (
	minNational = 2
	maxNational = 17 // the ITU says 15, but Germany has longer ones
)

// digitsOf reads what people type for a number: ASCII digits grouped with
// spaces, dashes, dots or parentheses, after an optional "+" (which
// separators may precede: "(+49) 151..."). Anything else is refused rather
// than guessed at: letters (vanity numbers, "ext. 5", "x5"), a second "+",
// full-width or other non-ASCII digits.
func digitsOf(s string) (plus bool, digits string, ok bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			b = append(b, c)
		case c == '+' && !plus && len(b) == 0:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return false, "", false
		}
	}
	return plus, string(b), len(b) > 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// split reads the calling code and national significant number from the
// digits as libphonenumber's Parse does, home being the index of the
// default region's territory (-1 for none). ok is false for digits that
// are no phone number; whether the number exists is typeIn's business.
//
// One addition: without a default region, a leading "00" (the ITU's
// international prefix, what most of the world dials for "+") is read as
// "+". libphonenumber refuses such input, yet without a region it cannot
// be anything else.
func split(plus bool, digits string, home int) (cc int, nsn string, ok bool) {
	switch {
	case plus:
		if _, _, ok := callingCode(digits); ok {
			return international(digits)
		}
		// Without a calling code after the "+", libphonenumber tries again
		// as if there were no "+": "+0049..." in DE.
		rest, _ := afterIDD(digits, home)
		return international(rest)
	case home < 0 && len(digits) > 2 && digits[:2] == "00":
		return international(digits[2:])
	case home < 0:
		return 0, "", false // a national number needs its region
	}
	if rest, ok := afterIDD(digits, home); ok {
		return international(rest)
	}
	if cc, national, ok := withOwnCallingCode(digits, home); ok {
		return nationalOf(cc, national, mainOf(cc))
	}
	return nationalOf(territories[home].cc, digits, home)
}

// international reads the digits after "+" or an international prefix.
func international(digits string) (cc int, nsn string, ok bool) {
	cc, national, ok := callingCode(digits)
	if !ok {
		return 0, "", false
	}
	return nationalOf(cc, national, mainOf(cc))
}

// afterIDD returns the digits after home's international prefix ("00" in
// DE, "011" in US), ok false if they do not start with it.
func afterIDD(digits string, home int) (rest string, ok bool) {
	if home < 0 {
		return "", false
	}
	m := patternsOf(home).idd.FindStringIndex(digits)
	// No calling code starts with 0, so "00" + "0..." is no prefix.
	if m == nil || m[1] < len(digits) && digits[m[1]] == '0' {
		return "", false
	}
	return digits[m[1]:], true
}

// withOwnCallingCode reads a number that starts with home's calling code
// without the "+" ("4915112345678" in DE) the way libphonenumber does:
// when the digits do not fit home's numbers as they are but do without
// the code, or are too long for a national number.
func withOwnCallingCode(digits string, home int) (cc int, national string, ok bool) {
	t := &territories[home]
	code := strconv.Itoa(t.cc)
	if len(digits) < len(code) || digits[:len(code)] != code {
		return 0, "", false
	}
	national = stripNationalPrefix(home, digits[len(code):])
	general := patternsOf(home).general
	if !general.MatchString(digits) && general.MatchString(national) || lengthOf(t, digits) == tooLong {
		return t.cc, national, true
	}
	return 0, "", false
}

// nationalOf finishes reading a national number of calling code cc with
// the rules of territory i: the national prefix ("0" in "+44 (0)20...",
// which people do type) goes if what remains still has a possible length.
func nationalOf(cc int, national string, i int) (int, string, bool) {
	if len(national) < minNational {
		return 0, "", false
	}
	switch stripped := stripNationalPrefix(i, national); lengthOf(&territories[i], stripped) {
	case possible, tooLong:
		national = stripped
	}
	if len(national) < minNational || len(national) > maxNational {
		return 0, "", false
	}
	return cc, national, true
}

// mainOf returns the index of cc's main territory (US for +1, RU for +7),
// whose rules libphonenumber reads numbers with before it knows the region.
func mainOf(cc int) int {
	i, _ := ofCallingCode(cc)
	return i
}

// stripNationalPrefix is libphonenumber's maybeStripNationalPrefixAndCarrierCode
// (without keeping the carrier code): it removes the national prefix,
// or rewrites it by the transform rule, unless that turns a number that
// matched the general pattern into one that does not.
func stripNationalPrefix(i int, number string) string {
	t, p := &territories[i], patternsOf(i)
	if number == "" || p.npp == nil {
		return number
	}
	m := p.npp.FindStringSubmatchIndex(number)
	if m == nil {
		return number
	}
	viable := p.general.MatchString(number)
	var result string
	// Without a rule, or when the pattern's last group took no part in the
	// match, the prefix just goes; otherwise the rule rewrites it.
	if lastGroup := len(m) - 2; t.npt == "" || m[lastGroup] < 0 {
		result = number[m[1]:]
	} else {
		result = p.npp.ReplaceAllString(number, t.npt)
	}
	if viable && !p.general.MatchString(result) {
		return number
	}
	return result
}

// lengthCheck is what libphonenumber's testNumberLength says of a length.
type lengthCheck int

const (
	possible lengthCheck = iota
	localOnly
	tooShort
	tooLong
	invalidLength
)

// lengthOf checks a national number's length against the territory's
// general description, as testNumberLength does for an unknown type.
func lengthOf(t *territory, national string) lengthCheck {
	n := len(national)
	switch {
	case t.lengths == 0:
		return invalidLength
	case hasLength(t.localLengths, n):
		return localOnly
	case hasLength(t.lengths, n):
		return possible
	case n < minLength(t.lengths):
		return tooShort
	case n > maxLength(t.lengths):
		return tooLong
	}
	return invalidLength
}

func minLength(mask uint32) int {
	n := 0
	for mask&(1<<n) == 0 {
		n++
	}
	return n
}

func maxLength(mask uint32) int {
	n := 31
	for mask&(1<<n) == 0 {
		n--
	}
	return n
}
