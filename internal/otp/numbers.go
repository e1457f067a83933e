package otp

import (
	"slices"

	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
)

// Numbers worth sending a code to. SMS pumping sends codes to numbers whose
// owners are paid per message received (premium-rate, shared-cost, some
// international networks); others cannot receive an SMS at all (fixed
// lines, pagers...) and would only cost the send. So a code goes to a
// mobile number, or to a number the metadata cannot tell from one (the
// NANP's fixed-line-or-mobile ranges), of a country the section allows.

// checkNumber refuses to to, an E.164 number, naming why: 422
// invalid_phone on field "phone".
func checkNumber(pol Policy, to string) error {
	region, err := phone.Region(to)
	if err != nil {
		return err
	}
	// Satellite and other international networks (+870, +881, +882,
	// +883...) have no country; their mobile ranges bill like premium ones.
	if region == "001" {
		return refuse("is on an international network (satellite or global service), where codes are not sent")
	}
	typ, err := phone.Type(to)
	if err != nil {
		return err
	}
	if why := unfit(typ); why != "" {
		return refuse(why)
	}
	if len(pol.AllowedCountries) > 0 && !slices.Contains(pol.AllowedCountries, region) {
		return refuse("SMS to " + region + " are not enabled")
	}
	return nil
}

// unfit says why a number of type t gets no code; "" if it may.
func unfit(t phone.NumberType) string {
	switch t {
	case phone.Mobile, phone.FixedLineOrMobile:
		return ""
	case phone.PremiumRate:
		return "is a premium-rate number, where codes are not sent"
	case phone.SharedCost:
		return "is a shared-cost number, where codes are not sent"
	case phone.TollFree:
		return "is a toll-free number, which cannot receive codes"
	case phone.VoIP:
		return "is a VoIP number, where codes are not sent; use a mobile number"
	case phone.PersonalNumber:
		return "is a personal (forwarding) number, where codes are not sent; use a mobile number"
	case phone.FixedLine:
		return "is a fixed-line number, which cannot receive SMS; use a mobile number"
	case phone.Pager, phone.UAN, phone.Voicemail:
		return "is a " + t.String() + " number, which cannot receive SMS; use a mobile number"
	}
	return "is not a mobile number"
}

func refuse(why string) error { return apperr.InvalidField("invalid_phone", "phone", why) }

// CheckNumber normalizes raw to E.164 and refuses, as Issue would, a number
// no code may go to under pol: for the flows that store a number before
// they send it a code (a sign-up), so that a number that could never be
// confirmed is refused up front, with the same 422 invalid_phone.
func CheckNumber(pol Policy, raw string) (string, error) {
	to, err := phone.Normalize(raw, "")
	if err != nil {
		return "", err
	}
	return to, checkNumber(pol, to)
}
