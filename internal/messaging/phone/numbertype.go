package phone

// NumberType is libphonenumber's type of a number. Rules against SMS
// pumping read it: premium-rate, shared-cost and UAN numbers earn their
// operators money per message.
type NumberType uint8

// The FixedLine to Voicemail order is that of territory.types.
const (
	Unknown NumberType = iota // not a valid number
	FixedLine
	Mobile
	TollFree
	PremiumRate
	SharedCost
	VoIP
	PersonalNumber
	Pager
	UAN // "universal access number", a company's number reached nationwide
	Voicemail
	FixedLineOrMobile // a number plan (NANPA, ...) where the two share ranges
)

var typeNames = [...]string{"unknown", "fixed_line", "mobile", "toll_free", "premium_rate",
	"shared_cost", "voip", "personal_number", "pager", "uan", "voicemail", "fixed_line_or_mobile"}

func (t NumberType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Type returns the type of a number as Normalize returns it ("+4915112345678"),
// as libphonenumber's GetNumberType does: Unknown for a number that is not
// valid. Anything but "+" and digits is a 422 invalid_phone.
func Type(e164 string) (NumberType, error) {
	cc, nsn, err := splitE164(e164)
	if err != nil || cc == 0 {
		return Unknown, err
	}
	i := regionOf(cc, nsn)
	if i < 0 {
		return Unknown, nil
	}
	return typeIn(i, nsn), nil
}

// Region returns the ISO 3166 region of a number as Normalize returns it,
// as libphonenumber's GetRegionCodeForNumber does: "001" for the
// non-geographic calling codes (+800, +882...), "" when the calling code is
// unknown or none of the regions sharing it has the number.
func Region(e164 string) (string, error) {
	cc, nsn, err := splitE164(e164)
	if err != nil || cc == 0 {
		return "", err
	}
	if i := regionOf(cc, nsn); i >= 0 {
		return territories[i].id, nil
	}
	return "", nil
}

// KnownRegion reports whether code is an ISO 3166-1 alpha-2 region code,
// upper case, that has phone numbers of its own: a region Region can
// return, except "001" (the non-geographic calling codes are no country).
func KnownRegion(code string) bool {
	return len(code) == 2 && ofRegion(code) >= 0
}

// splitE164 splits "+<calling code><national number>"; cc is 0 for an
// unknown calling code. National numbers run to 17 digits (Germany has
// some beyond E.164's 15), so this is not IsE164.
func splitE164(s string) (cc int, nsn string, err error) {
	if len(s) < 2 || len(s) > 1+3+maxNational || s[0] != '+' || !allDigits(s[1:]) {
		return 0, "", invalid("is not a phone number in the international format, e.g. +4915112345678")
	}
	cc, nsn, _ = callingCode(s[1:])
	return cc, nsn, nil
}

// regionOf returns the index of the territory of cc that nsn belongs to,
// like libphonenumber's getRegionCodeForNumber: the only one if cc has
// one, else the first whose leading digits, or (without leading digits)
// whose number types, match. -1 if none does.
func regionOf(cc int, nsn string) int {
	from, to := ofCallingCode(cc)
	if to-from == 1 {
		return from
	}
	for i := from; i < to; i++ {
		if territories[i].leading != "" {
			if patternsOf(i).leading.MatchString(nsn) {
				return i
			}
		} else if typeIn(i, nsn) != Unknown {
			return i
		}
	}
	return -1
}

// typeIn is libphonenumber's getNumberTypeHelper: the general description
// first, then the types in its order of precedence (premium rate before
// toll free...), fixed line and mobile last.
func typeIn(i int, nsn string) NumberType {
	t, p := &territories[i], patternsOf(i)
	if !hasLength(t.lengths, len(nsn)) || !p.general.MatchString(nsn) {
		return Unknown
	}
	for _, typ := range [...]NumberType{PremiumRate, TollFree, SharedCost, VoIP, PersonalNumber, Pager, UAN, Voicemail} {
		if isType(t, p, typ, nsn) {
			return typ
		}
	}
	fixed, mobile := isType(t, p, FixedLine, nsn), !t.sameFixedMobile && isType(t, p, Mobile, nsn)
	switch {
	case fixed && (t.sameFixedMobile || mobile):
		return FixedLineOrMobile
	case fixed:
		return FixedLine
	case mobile:
		return Mobile
	}
	return Unknown
}

// isType reports whether nsn has one of typ's lengths (when it names its
// own) and matches its pattern.
func isType(t *territory, p *patterns, typ NumberType, nsn string) bool {
	d := t.types[typ-1]
	if d.lengths != 0 && !hasLength(d.lengths, len(nsn)) {
		return false
	}
	return matches(p.types[typ-1], nsn)
}
