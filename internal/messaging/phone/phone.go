// Package phone turns the phone numbers people type into E.164, the one form
// the service stores, keys and sends SMS to, and tells a number's type and
// region.
//
// It knows what libphonenumber knows: metadata_gen.go is generated from the
// metadata in github.com/nyaruka/phonenumbers, and the tests check that
// Normalize, Type and Region agree with that library. The functions do not
// link the library itself: its package init decodes all of its metadata
// (milliseconds of every cold start, and megabytes of binary with the
// protobuf runtime), while here each region's patterns are compiled on the
// first number that needs them.
package phone

//go:generate go run ../../devtools/phonegen

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"clientarea/internal/platform/apperr"
)

// maxInput bounds what Normalize reads: the longest number with its
// separators fits, and a long input cannot make matching slow.
const maxInput = 32

// Normalize returns raw in E.164 ("+4915112345678"). raw is digits with
// optional spaces, dashes, dots and parentheses, after a "+" for an
// international number ("+44 (0)20 7946 0018" drops the national prefix,
// as libphonenumber does). Without a "+", raw is a national number of
// defaultRegion (ISO 3166 alpha-2, "DE": "0151 12345678"), which may also
// start with that region's international prefix ("0049..."); with
// defaultRegion empty, a leading "00" stands for "+" and other numbers
// without "+" are refused. Letters, extensions and other characters are
// refused too. Numbers that cannot exist are a 422 invalid_phone naming
// field "phone".
func Normalize(raw, defaultRegion string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", invalid("a phone number is required")
	}
	if utf8.RuneCountInString(raw) > maxInput {
		return "", invalid("is too long for a phone number")
	}
	plus, digits, ok := digitsOf(raw)
	var cc int
	var nsn string
	if ok {
		cc, nsn, ok = split(plus, digits, ofRegion(strings.ToUpper(defaultRegion)))
	}
	if !ok {
		return "", invalid("is not a phone number; use the international format, e.g. +4915112345678")
	}
	if i := regionOf(cc, nsn); i < 0 || typeIn(i, nsn) == Unknown {
		return "", invalid("is not a valid phone number")
	}
	return "+" + strconv.Itoa(cc) + nsn, nil
}

func invalid(msg string) error {
	return apperr.InvalidField("invalid_phone", "phone", msg)
}

// IsE164 reports whether s is written in E.164: "+", a digit 1-9, then 1 to
// 14 digits. It does not check that the number exists: short codes and new
// ranges are the carrier's business.
func IsE164(s string) bool {
	return len(s) >= 3 && len(s) <= 16 && s[0] == '+' && s[1] != '0' && allDigits(s[1:])
}
