package security

import (
	"slices"
	"strconv"
	"strings"

	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
)

// The SMS defences' settings: send budgets, the numbers worth sending to,
// and the bound on guessing. Each has a safe default (security.go).

// validateBudgets checks the send budgets.
func (s SMS) validateBudgets(f *apperr.Fields) {
	f.Range(*s.MaxSendsPerDay, "sms.max_sends_per_day", 1, 1000)
	f.Range(*s.SubjectSendsPerHour, "sms.subject_sends_per_hour", 1, 100)
	f.Range(*s.SubjectSendsPerDay, "sms.subject_sends_per_day", 1, 1000)
	f.Range(*s.IPSendsPerHour, "sms.ip_sends_per_hour", 1, 10000)
	f.Range(*s.StackSendsPerHour, "sms.stack_sends_per_hour", 1, 100000)
	f.Range(*s.TestSMSPerHour, "sms.test_sms_per_hour", 1, 100)
	f.Range(*s.TestSMSPerDay, "sms.test_sms_per_day", 1, 1000)
}

// normalizeCountries spells the allowed countries in upper case, once each,
// and lists none as an empty list (all countries).
func (s *SMS) normalizeCountries() {
	out := []string{}
	for _, c := range s.AllowedCountries {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	s.AllowedCountries = out
}

// validateNumbers checks the allowed countries (ISO 3166-1 alpha-2 codes
// of regions with phone numbers, upper case after Normalize) and the price
// cap.
func (s SMS) validateNumbers(f *apperr.Fields) {
	var unknown []string
	for _, c := range s.AllowedCountries {
		if !phone.KnownRegion(c) {
			unknown = append(unknown, c)
		}
	}
	f.Check(len(unknown) == 0, "sms.allowed_countries",
		"unknown country codes %q: use ISO 3166-1 alpha-2 codes such as \"DE\"", unknown)
	f.Check(s.MaxPriceUSD == nil || priceUSD(*s.MaxPriceUSD), "sms.max_price_usd",
		"must be null or a price in USD above 0 and at most %.2f, with a decimal point and at most 5 decimals, such as \"0.50\"",
		MaxPriceUSD)
}

// MaxPriceUSD is the highest price cap per SMS the section accepts. The
// dearest destinations cost around a dollar; a cap above this is a typo.
const MaxPriceUSD = 10.0

// priceUSD reports whether s is a price cap SNS takes for
// AWS.SNS.SMS.MaxPrice, in the format AWS End User Messaging documents for
// its MaxPrice ([0-9]{0,2}\.[0-9]{1,5}), above 0 and at most MaxPriceUSD.
func priceUSD(s string) bool {
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(whole) > 2 || len(frac) < 1 || len(frac) > 5 || !digits(whole) || !digits(frac) {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v > 0 && v <= MaxPriceUSD
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MaxGuessesPerHour bounds how many codes one subject may try for one
// purpose in any 60 minutes, across challenges.
const MaxGuessesPerHour = 100

// validateGuessing checks the bound on wrong codes across challenges, and
// that together they allow at most MaxGuessesPerHour guesses an hour. The
// window slides: max_failed_codes wrong codes are admitted, then none until
// the first of them is failed_codes_window_minutes old, so the most any 60
// consecutive minutes see is a full burst at the start of each window that
// begins within them: max_failed_codes × ⌈60 / failed_codes_window_minutes⌉
// (10 in 15 minutes: 40; 10 in 7 minutes: 90; 30 in 2 hours: 30).
func (s SMS) validateGuessing(f *apperr.Fields) {
	const maxFails, maxWindow = 100, 1440
	fails, window := *s.MaxFailedCodes, *s.FailedCodesWindowMinutes
	f.Range(fails, "sms.max_failed_codes", 1, maxFails)
	f.Range(window, "sms.failed_codes_window_minutes", 1, maxWindow)
	if fails < 1 || fails > maxFails || window < 1 || window > maxWindow {
		return // named already; the product of a value out of range says nothing more
	}
	if perHour := fails * ((60 + window - 1) / window); perHour > MaxGuessesPerHour {
		msg := "with failed_codes_window_minutes %d and max_failed_codes %d, up to %d codes could be tried in an hour " +
			"(max_failed_codes × ⌈60 / failed_codes_window_minutes⌉); at most %d are allowed"
		f.Add("sms.max_failed_codes", msg, window, fails, perHour, MaxGuessesPerHour)
		f.Add("sms.failed_codes_window_minutes", msg, window, fails, perHour, MaxGuessesPerHour)
	}
}
