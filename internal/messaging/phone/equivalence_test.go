package phone

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// This file checks Normalize, Type and Region against libphonenumber itself
// (github.com/nyaruka/phonenumbers, which only tests link) on every example
// number of its metadata, mutations of them and random numbers of every
// calling code, typed in the ways people type them.

// corpusStride is 1 unless the race detector makes libphonenumber too slow
// for the whole corpus (race_test.go): this test runs in one goroutine.
var corpusStride = 1

// input is one Normalize call of the corpus.
type input struct{ raw, region string }

// example is a number of libphonenumber's metadata.
type example struct {
	cc     int
	nsn    string
	region string // "001" for the non-geographic entities
	num    *phonenumbers.PhoneNumber
}

var libTypes = map[phonenumbers.PhoneNumberType]NumberType{
	phonenumbers.FIXED_LINE: FixedLine, phonenumbers.MOBILE: Mobile,
	phonenumbers.FIXED_LINE_OR_MOBILE: FixedLineOrMobile, phonenumbers.TOLL_FREE: TollFree,
	phonenumbers.PREMIUM_RATE: PremiumRate, phonenumbers.SHARED_COST: SharedCost,
	phonenumbers.VOIP: VoIP, phonenumbers.PERSONAL_NUMBER: PersonalNumber,
	phonenumbers.PAGER: Pager, phonenumbers.UAN: UAN, phonenumbers.VOICEMAIL: Voicemail,
	phonenumbers.UNKNOWN: Unknown,
}

func TestAgreesWithLibphonenumber(t *testing.T) {
	inputs := corpus()
	valid, refused := 0, 0
	for i := 0; i < len(inputs); i += corpusStride {
		switch agree(t, inputs[i]) {
		case accepted:
			valid++
		case refusedByDesign:
			refused++
		}
	}
	t.Logf("%d inputs, checked 1 in %d: %d valid numbers, %d refused by design (characters or length)",
		len(inputs), corpusStride, valid, refused)
	if len(inputs) < 50000 || valid < 10000/corpusStride {
		t.Errorf("corpus too small: %d inputs, %d valid", len(inputs), valid)
	}
}

type outcome int

const (
	accepted outcome = iota
	rejected
	refusedByDesign
)

// agree checks one input: the same E.164 number or the same refusal as
// libphonenumber's Parse + IsValidNumber + Format(E164), and, for every
// number libphonenumber can parse, the same Type and Region.
func agree(t *testing.T, in input) outcome {
	t.Helper()
	got, err := Normalize(in.raw, in.region)
	if _, _, ok := digitsOf(strings.TrimSpace(in.raw)); !ok || len(strings.TrimSpace(in.raw)) > maxInput {
		if err == nil {
			t.Errorf("Normalize(%q, %q) = %q, want a refusal", in.raw, in.region, got)
		}
		return refusedByDesign
	}
	region := in.region
	if region == "" {
		region = "ZZ"
	}
	num, perr := phonenumbers.Parse(in.raw, region)
	agreeOnParse(t, in, num, perr)
	want := ""
	if perr == nil && phonenumbers.IsValidNumber(num) {
		want = phonenumbers.Format(num, phonenumbers.E164)
	}
	if got != want {
		t.Errorf("Normalize(%q, %q) = %q, %v; libphonenumber: %q", in.raw, in.region, got, err, want)
	}
	if perr == nil {
		agreeOnType(t, num)
	}
	if want == "" {
		return rejected
	}
	return accepted
}

// agreeOnParse checks split, which reads the calling code and national
// number, on its own: Normalize's agreement hides its differences on
// numbers that are invalid either way.
func agreeOnParse(t *testing.T, in input, num *phonenumbers.PhoneNumber, perr error) {
	t.Helper()
	plus, digits, _ := digitsOf(strings.TrimSpace(in.raw))
	cc, nsn, ok := split(plus, digits, ofRegion(in.region))
	if perr != nil {
		if ok {
			t.Errorf("%q in %q: read as +%d %s; libphonenumber: %v", in.raw, in.region, cc, nsn, perr)
		}
		return
	}
	wantCC, wantNSN := int(num.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(num)
	if !ok || cc != wantCC || nsn != wantNSN {
		t.Errorf("%q in %q: read as +%d %s (%v); libphonenumber: +%d %s", in.raw, in.region, cc, nsn, ok, wantCC, wantNSN)
	}
}

func agreeOnType(t *testing.T, num *phonenumbers.PhoneNumber) {
	t.Helper()
	e := "+" + strconv.Itoa(int(num.GetCountryCode())) + phonenumbers.GetNationalSignificantNumber(num)
	typ, err := Type(e)
	if want := libTypes[phonenumbers.GetNumberType(num)]; typ != want || err != nil {
		t.Errorf("Type(%q) = %v, %v; libphonenumber: %v", e, typ, err, want)
	}
	region, err := Region(e)
	if want := phonenumbers.GetRegionCodeForNumber(num); region != want || err != nil {
		t.Errorf("Region(%q) = %q, %v; libphonenumber: %q", e, region, err, want)
	}
}

// corpus builds the inputs from a fixed seed, so a failure reproduces.
func corpus() []input {
	r := rand.New(rand.NewPCG(20240611, 1))
	regions := sortedRegions()
	var in []input
	for _, ex := range examples(regions) {
		cc := strconv.Itoa(ex.cc)
		home := regions[r.IntN(len(regions))]
		for _, nsn := range mutations(r, ex.nsn) {
			in = append(in, input{"+" + cc + nsn, ""}, input{"+" + cc + nsn, home})
			if idd := iddOf(home); idd != "" {
				in = append(in, input{idd + cc + nsn, home})
			}
			if ex.region != "001" {
				ndd := phonenumbers.GetNddPrefixForRegion(ex.region, true)
				in = append(in, input{ndd + nsn, ex.region}, input{cc + nsn, ex.region},
					input{"+" + cc + " (" + ndd + ") " + nsn, ""})
			}
		}
		in = append(in, input{phonenumbers.Format(ex.num, phonenumbers.INTERNATIONAL), ""},
			input{phonenumbers.Format(ex.num, phonenumbers.NATIONAL), ex.region})
	}
	for _, cc := range sortedCallingCodes() {
		for range 60 {
			in = append(in, input{"+" + strconv.Itoa(cc) + randomDigits(r, 1+r.IntN(15)), ""})
		}
	}
	return in
}

// examples are every region's example number of every type, and those of
// the non-geographic entities.
func examples(regions []string) []example {
	var out []example
	for _, region := range regions {
		for _, typ := range exampleTypes {
			if num := phonenumbers.GetExampleNumberForType(region, typ); num != nil {
				out = append(out, exampleOf(num, region))
			}
		}
	}
	coll, _ := phonenumbers.MetadataCollection()
	for _, m := range coll.GetMetadata() {
		if m.GetId() != "001" {
			continue
		}
		for _, d := range []*phonenumbers.PhoneNumberDesc{m.GetGeneralDesc(), m.GetTollFree(), m.GetSharedCost(),
			m.GetMobile(), m.GetVoip(), m.GetPremiumRate(), m.GetUan(), m.GetFixedLine()} {
			if d.GetExampleNumber() == "" {
				continue
			}
			num, err := phonenumbers.Parse("+"+strconv.Itoa(int(m.GetCountryCode()))+d.GetExampleNumber(), "ZZ")
			if err == nil {
				out = append(out, exampleOf(num, "001"))
			}
		}
	}
	return out
}

// exampleTypes have example numbers (FIXED_LINE_OR_MOBILE's is FIXED_LINE's).
var exampleTypes = []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE,
	phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP,
	phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}

func exampleOf(num *phonenumbers.PhoneNumber, region string) example {
	return example{int(num.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(num), region, num}
}

// mutations are nsn and its near misses: a digit more, one fewer, other
// leading digits, one digit changed.
func mutations(r *rand.Rand, nsn string) []string {
	d := func() string { return randomDigits(r, 1) }
	i := r.IntN(len(nsn))
	return []string{
		nsn,
		nsn + d(),
		nsn[:len(nsn)-1],
		nsn[1:],
		nsn[:i] + d() + nsn[i:],
		d() + nsn[1:],
		randomDigits(r, 2) + nsn[min(2, len(nsn)):],
		nsn[:i] + d() + nsn[i+1:],
	}
}

func randomDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// iddOf is the international prefix dialled from region, "" when its
// metadata names no single one.
func iddOf(region string) string {
	coll, _ := phonenumbers.MetadataCollection()
	for _, m := range coll.GetMetadata() {
		if m.GetId() != region {
			continue
		}
		if p := m.GetPreferredInternationalPrefix(); p != "" {
			return strings.ReplaceAll(p, "~", "")
		}
		if allDigits(m.GetInternationalPrefix()) {
			return m.GetInternationalPrefix()
		}
	}
	return ""
}

func sortedRegions() []string {
	var out []string
	for region := range phonenumbers.GetSupportedRegions() {
		out = append(out, region)
	}
	slices.Sort(out)
	return out
}

func sortedCallingCodes() []int {
	var out []int
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		out = append(out, cc)
	}
	slices.Sort(out) // the corpus must not depend on map order
	return out
}
