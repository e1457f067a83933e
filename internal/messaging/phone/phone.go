// Package phone turns the phone numbers people type into E.164, the one form
// the service stores, keys and sends SMS to.
package phone

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"clientarea/internal/platform/apperr"
)

// Normalize returns raw in E.164 ("+4915112345678"). A number without a
// leading "+" is read as a national number of defaultRegion (ISO 3166
// alpha-2, "DE"); with defaultRegion empty it must be international. Numbers
// that cannot exist are a 422 invalid_phone naming field "phone".
func Normalize(raw, defaultRegion string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", invalid("a phone number is required")
	}
	if len(raw) > 32 {
		return "", invalid("is too long for a phone number")
	}
	region := strings.ToUpper(defaultRegion)
	if region == "" {
		region = "ZZ" // unknown region: only "+<country code>..." parses
	}
	num, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return "", invalid("is not a phone number; use the international format, e.g. +4915112345678")
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", invalid("is not a valid phone number")
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

func invalid(msg string) error {
	return apperr.InvalidField("invalid_phone", "phone", msg)
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// IsE164 reports whether s is written in E.164 (it does not check that the
// number exists: short codes and new ranges are the carrier's business).
func IsE164(s string) bool { return e164.MatchString(s) }
