package security

import (
	"strings"

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
		if !contains(out, c) {
			out = append(out, c)
		}
	}
	s.AllowedCountries = out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validateNumbers checks the allowed countries and the price cap.
// (Filled in with the country list and the price format.)
func (s SMS) validateNumbers(f *apperr.Fields) {}

// validateGuessing checks the bound on wrong codes across challenges.
// (Filled in with the 100-guesses-an-hour rule.)
func (s SMS) validateGuessing(f *apperr.Fields) {
	f.Range(*s.MaxFailedCodes, "sms.max_failed_codes", 1, 100)
	f.Range(*s.FailedCodesWindowMinutes, "sms.failed_codes_window_minutes", 1, 1440)
}
