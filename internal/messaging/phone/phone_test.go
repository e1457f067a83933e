package phone

import (
	"strings"
	"sync"
	"testing"

	"clientarea/internal/platform/apperr"
)

func TestNormalize(t *testing.T) {
	ok := []struct{ raw, region, want string }{
		{"+49 151 12345678", "", "+4915112345678"},
		{"+1 (202) 555-0143", "", "+12025550143"},
		{" 0151 12345678 ", "de", "+4915112345678"},
		{"+44 7911 123456", "US", "+447911123456"},
		{"(+49) 151.1234.5678", "", "+4915112345678"},
		{"+44 (0)20 7946 0018", "", "+442079460018"},    // the national prefix people add goes
		{"+54 9 11 1234 5678", "", "+5491112345678"},    // Argentina's mobile "9" stays
		{"0049 151 12345678", "", "+4915112345678"},     // "00" stands for "+" without a region
		{"011 49 151 12345678", "US", "+4915112345678"}, // a region's own international prefix
		{"8 912 345-67-89", "RU", "+79123456789"},       // and its own national prefix
		{"020 7946 0018", "GB", "+442079460018"},
	}
	for _, c := range ok {
		got, err := Normalize(c.raw, c.region)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q, %q) = %q, %v; want %q", c.raw, c.region, got, err, c.want)
		}
	}
}

func TestNormalizeRefuses(t *testing.T) {
	bad := []struct{ raw, region, message string }{
		{"", "", "a phone number is required"},
		{"   ", "", "a phone number is required"},
		{"+4915112345678" + "0000000000000000000000", "", "is too long for a phone number"},
		{"+49 151 1234 5678 0000 0000 0000 00", "", "is too long for a phone number"}, // 33 characters
		{"0151 12345678", "", notANumber},                                             // national format needs a region
		{"4915112345678", "", notANumber},                                             // so does a calling code without "+"
		{"hello", "DE", notANumber},
		{"+49 151 CALLME", "", notANumber}, // no vanity numbers
		{"1-800-FLOWERS", "US", notANumber},
		{"x+4915112345678", "", notANumber}, // leading junk
		{"1+4915112345678", "", notANumber},
		{"++4915112345678", "", notANumber},
		{"+49151+12345678", "", notANumber},
		{"+49 151 12345678 ext. 5", "", notANumber}, // extensions
		{"+49 151 12345678 x5", "", notANumber},
		{"+49 151 12345678;ext=5", "", notANumber},
		{"tel:+4915112345678", "", notANumber},
		{"＋４９１５１１２３４５６７８", "", notANumber},        // full-width
		{"+49 151\u00a012345678", "", notANumber}, // no-break space
		{"+49/151/12345678", "", notANumber},
		{"+49\t15112345678", "", notANumber},
		{"+0049 151 12345678", "", notANumber}, // calling codes do not start with 0
		{"000 49 151 12345678", "", notANumber},
		{"+999 123456789", "", notANumber}, // no such calling code
		{"+49 1", "", notANumber},
		{"+49 151 123", "", "is not a valid phone number"},
		{"+1 555 555 5555", "", "is not a valid phone number"},
	}
	for _, c := range bad {
		_, err := Normalize(c.raw, c.region)
		if apperr.CodeOf(err) != "invalid_phone" || apperr.KindOf(err) != apperr.Invalid ||
			!strings.HasSuffix(err.Error(), c.message) {
			t.Errorf("Normalize(%q, %q) error %v, want a 422 invalid_phone: %s", c.raw, c.region, err, c.message)
		}
	}
}

const notANumber = "is not a phone number; use the international format, e.g. +4915112345678"

func TestTypeAndRegion(t *testing.T) {
	cases := []struct {
		e164   string
		typ    NumberType
		region string
	}{
		{"+4915112345678", Mobile, "DE"},
		{"+4930123456", FixedLine, "DE"},
		{"+12025550143", FixedLineOrMobile, "US"},
		{"+12684601234", FixedLine, "AG"}, // +1 is shared: the region is the one whose numbers match
		{"+447911123456", Mobile, "GG"},
		{"+447624123456", Mobile, "IM"},
		{"+77012345678", Mobile, "KZ"},
		{"+33899123456", PremiumRate, "FR"},
		{"+448456400000", PremiumRate, "GB"},
		{"+33884012345", SharedCost, "FR"},
		{"+445612345678", VoIP, "GB"},
		{"+447640123456", Pager, "GB"},
		{"+445512345678", UAN, "GB"},
		{"+447012345678", PersonalNumber, "GB"},
		{"+49177991234567", Voicemail, "DE"},
		{"+80012345678", TollFree, "001"},
		{"+4990012345678", Unknown, "DE"}, // not valid: its region is still +49's
		{"+441624123456", Unknown, "IM"},
		{"+12345", Unknown, ""}, // no region of +1 has it
		{"+999123456789", Unknown, ""},
	}
	for _, c := range cases {
		typ, err := Type(c.e164)
		if typ != c.typ || err != nil {
			t.Errorf("Type(%q) = %v, %v; want %v", c.e164, typ, err, c.typ)
		}
		region, err := Region(c.e164)
		if region != c.region || err != nil {
			t.Errorf("Region(%q) = %q, %v; want %q", c.e164, region, err, c.region)
		}
	}
	for _, s := range []string{"", "+", "4915112345678", "+49 151 12345678", "+49151123456789012345678"} {
		if _, err := Type(s); apperr.CodeOf(err) != "invalid_phone" {
			t.Errorf("Type(%q) error %v, want invalid_phone", s, err)
		}
		if _, err := Region(s); apperr.CodeOf(err) != "invalid_phone" {
			t.Errorf("Region(%q) error %v, want invalid_phone", s, err)
		}
	}
}

func TestNumberTypeString(t *testing.T) {
	if PremiumRate.String() != "premium_rate" || FixedLineOrMobile.String() != "fixed_line_or_mobile" ||
		NumberType(200).String() != "unknown" {
		t.Error("NumberType names")
	}
}

// TestConcurrentFirstUse has goroutines race to compile the same regions
// (go test -race checks the lazy compilation).
func TestConcurrentFirstUse(t *testing.T) {
	forgetCompiled()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, s := range []string{"+4915112345678", "+12684601234", "+447624123456", "+80012345678"} {
				if _, err := Normalize(s, ""); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

// forgetCompiled drops every compiled pattern, as in a new process.
func forgetCompiled() {
	for i := range compiled {
		compiled[i].once = sync.Once{}
		compiled[i].p = nil
	}
}

func TestIsE164(t *testing.T) {
	for s, want := range map[string]bool{
		"+4915112345678": true, "+12025550143": true, "": false, "4915112345678": false,
		"+0123": false, "+49 151": false, "+1234567890123456": false, "+123456789012345": true,
		"+1": false, "+12": true, "+": false, "+49151x": false,
	} {
		if IsE164(s) != want {
			t.Errorf("IsE164(%q) = %v", s, !want)
		}
	}
}

func BenchmarkNormalizeFirstUse(b *testing.B) {
	for _, number := range []string{"+4915112345678", "+12025550143", "+447911123456"} {
		b.Run(number, func(b *testing.B) {
			for b.Loop() {
				forgetCompiled()
				if _, err := Normalize(number, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNormalize(b *testing.B) {
	for b.Loop() {
		if _, err := Normalize("+49 151 1234 5678", ""); err != nil {
			b.Fatal(err)
		}
	}
}
