package phone

import (
	"testing"

	"clientarea/internal/platform/apperr"
)

func TestNormalize(t *testing.T) {
	ok := []struct{ raw, region, want string }{
		{"+49 151 12345678", "", "+4915112345678"},
		{"+1 (202) 555-0143", "", "+12025550143"},
		{" 0151 12345678 ", "de", "+4915112345678"},
		{"+44 7911 123456", "US", "+447911123456"},
	}
	for _, c := range ok {
		got, err := Normalize(c.raw, c.region)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q, %q) = %q, %v; want %q", c.raw, c.region, got, err, c.want)
		}
	}
	bad := []struct{ raw, region string }{
		{"", ""}, {"0151 12345678", ""}, {"+49 1", ""}, {"hello", "DE"}, {"+999 123456789", ""},
		{"+4915112345678" + "0000000000000000000000", ""},
	}
	for _, c := range bad {
		_, err := Normalize(c.raw, c.region)
		if apperr.CodeOf(err) != "invalid_phone" || apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("Normalize(%q, %q) error %v, want a 422 invalid_phone", c.raw, c.region, err)
		}
	}
}

func TestIsE164(t *testing.T) {
	for s, want := range map[string]bool{
		"+4915112345678": true, "+12025550143": true, "": false, "4915112345678": false,
		"+0123": false, "+49 151": false, "+1234567890123456": false,
	} {
		if IsE164(s) != want {
			t.Errorf("IsE164(%q) = %v", s, !want)
		}
	}
}
