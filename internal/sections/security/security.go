// Package security holds the Security and Registration configuration
// sections: mandatory two-factor authentication and the operations it
// covers, failed-login lockout, the absolute session lifetime and the SMS
// settings of one-time passwords; how sign-ups are confirmed, whether an
// activation letter goes out and which client type is the default.
package security

import (
	"slices"
	"time"

	"clientarea/internal/admindoc"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
)

// TFAOperations returns the operations mandatory 2FA may cover, in display
// order: a new slice each time, which the caller may change.
func TFAOperations() []string {
	return []string{
		"login", "deposit", "withdraw", "transfer",
		"prop_challenge_fee", "trading_competition_fee", "change_password", "update_email",
	}
}

// Defaults and limits of the section's numbers.
const (
	DefaultMaxFailedLogins      = 5
	DefaultLockoutMinutes       = 15
	DefaultAbsoluteSessionHours = 12
	DefaultOTPTTLSeconds        = 300
	DefaultOTPMaxAttempts       = 5
	DefaultResendCooldown       = 60
	DefaultMaxSendsPerHour      = 5

	// Send budgets beyond the per-number ones (see README, "SMS defences").
	DefaultMaxSendsPerDay       = 10  // per destination number
	DefaultSubjectSendsPerHour  = 10  // per client, admin, or the email / number being confirmed
	DefaultSubjectSendsPerDay   = 20  // idem
	DefaultIPSendsPerHour       = 20  // per source IP address
	DefaultStackSendsPerHour    = 200 // every SMS of the stack: what bounds the worst day's bill
	DefaultMaxFailedCodes       = 10  // wrong codes per subject and purpose, across challenges...
	DefaultFailedCodesWindowMin = 15  // ...within this many minutes, then otp_locked
	DefaultTestSMSPerHour       = 5   // admin test SMS, per admin
	DefaultTestSMSPerDay        = 20  // idem
)

// Config is the Security section document. Numbers are pointers so that a
// left-out or null field can take its default.
type Config struct {
	MandatoryTFA         bool     `json:"mandatory_tfa"`
	TFAOperations        []string `json:"tfa_operations"`
	MaxFailedLogins      *int     `json:"max_failed_logins"`
	LockoutMinutes       *int     `json:"lockout_minutes"`
	AbsoluteSessionHours *int     `json:"absolute_session_hours"`
	SMS                  SMS      `json:"sms"`
}

// SMS is the "sms" block: how one-time passwords are sent and limited.
type SMS struct {
	SenderID              string `json:"sender_id"`
	OriginationNumber     string `json:"origination_number"`
	OTPTTLSeconds         *int   `json:"otp_ttl_seconds"`
	OTPMaxAttempts        *int   `json:"otp_max_attempts"`
	ResendCooldownSeconds *int   `json:"resend_cooldown_seconds"`
	MaxSendsPerHour       *int   `json:"max_sends_per_hour"` // per destination number, in any 60 minutes
	MaxSendsPerDay        *int   `json:"max_sends_per_day"`  // per destination number, in any 24 hours

	SubjectSendsPerHour *int `json:"subject_sends_per_hour"` // per subject (client, admin, email or number confirmed)
	SubjectSendsPerDay  *int `json:"subject_sends_per_day"`
	IPSendsPerHour      *int `json:"ip_sends_per_hour"`    // per source IP address
	StackSendsPerHour   *int `json:"stack_sends_per_hour"` // every SMS of the stack

	// Numbers worth sending to: ISO 3166-1 alpha-2 codes of the countries
	// codes may go to (empty: all), and the most one SMS may cost in USD
	// (sent as AWS.SNS.SMS.MaxPrice; null: the account's default).
	AllowedCountries []string `json:"allowed_countries"`
	MaxPriceUSD      *string  `json:"max_price_usd"`

	// Guessing across challenges: at most MaxFailedCodes wrong codes per
	// subject and purpose within FailedCodesWindowMinutes.
	MaxFailedCodes           *int `json:"max_failed_codes"`
	FailedCodesWindowMinutes *int `json:"failed_codes_window_minutes"`

	// The admin test SMS, per admin.
	TestSMSPerHour *int `json:"test_sms_per_hour"`
	TestSMSPerDay  *int `json:"test_sms_per_day"`
}

// Section is the Security section's definition for the shared section API.
func Section() admindoc.Definition[Config] {
	return admindoc.Definition[Config]{
		Section:   "security",
		Normalize: (*Config).Normalize,
		Validate:  Config.Validate,
	}
}

// Normalize gives left-out and null fields their defaults and lists the
// 2FA operations once each, in display order (unknown ones are kept for
// Validate to name).
func (c *Config) Normalize() {
	def := func(p **int, v int) {
		if *p == nil {
			*p = &v
		}
	}
	def(&c.MaxFailedLogins, DefaultMaxFailedLogins)
	def(&c.LockoutMinutes, DefaultLockoutMinutes)
	def(&c.AbsoluteSessionHours, DefaultAbsoluteSessionHours)
	def(&c.SMS.OTPTTLSeconds, DefaultOTPTTLSeconds)
	def(&c.SMS.OTPMaxAttempts, DefaultOTPMaxAttempts)
	def(&c.SMS.ResendCooldownSeconds, DefaultResendCooldown)
	def(&c.SMS.MaxSendsPerHour, DefaultMaxSendsPerHour)
	def(&c.SMS.MaxSendsPerDay, DefaultMaxSendsPerDay)
	def(&c.SMS.SubjectSendsPerHour, DefaultSubjectSendsPerHour)
	def(&c.SMS.SubjectSendsPerDay, DefaultSubjectSendsPerDay)
	def(&c.SMS.IPSendsPerHour, DefaultIPSendsPerHour)
	def(&c.SMS.StackSendsPerHour, DefaultStackSendsPerHour)
	def(&c.SMS.MaxFailedCodes, DefaultMaxFailedCodes)
	def(&c.SMS.FailedCodesWindowMinutes, DefaultFailedCodesWindowMin)
	def(&c.SMS.TestSMSPerHour, DefaultTestSMSPerHour)
	def(&c.SMS.TestSMSPerDay, DefaultTestSMSPerDay)
	c.SMS.normalizeCountries()
	known, ops := TFAOperations(), []string{}
	for _, op := range known {
		if slices.Contains(c.TFAOperations, op) {
			ops = append(ops, op)
		}
	}
	for _, op := range c.TFAOperations {
		if !slices.Contains(known, op) && !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	c.TFAOperations = ops
}

// Validate checks a normalized document, naming every bad field.
func (c Config) Validate() error {
	var f apperr.Fields
	known, unknown := TFAOperations(), []string{}
	for _, op := range c.TFAOperations {
		if !slices.Contains(known, op) {
			unknown = append(unknown, op)
		}
	}
	f.Check(len(unknown) == 0, "tfa_operations", "unknown operations %q (known: %v)", unknown, known)
	f.Range(*c.MaxFailedLogins, "max_failed_logins", 1, 100)
	f.Range(*c.LockoutMinutes, "lockout_minutes", 1, 1440)
	f.Range(*c.AbsoluteSessionHours, "absolute_session_hours", 1, 720)
	s := c.SMS
	f.Check(s.SenderID == "" || senderID(s.SenderID), "sms.sender_id", "must be empty or 1-11 letters and digits")
	f.Check(s.OriginationNumber == "" || phone.IsE164(s.OriginationNumber), "sms.origination_number",
		"must be empty or an E.164 number such as +18005550100")
	f.Range(*s.OTPTTLSeconds, "sms.otp_ttl_seconds", 60, 600)
	f.Range(*s.OTPMaxAttempts, "sms.otp_max_attempts", 1, 10)
	f.Range(*s.ResendCooldownSeconds, "sms.resend_cooldown_seconds", 0, 3600)
	f.Range(*s.MaxSendsPerHour, "sms.max_sends_per_hour", 1, 100)
	s.validateBudgets(&f)
	s.validateNumbers(&f)
	s.validateGuessing(&f)
	return f.Err()
}

func senderID(s string) bool {
	if len(s) > 11 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// TFARequired reports whether mandatory 2FA covers op.
func (c Config) TFARequired(op string) bool {
	return c.MandatoryTFA && slices.Contains(c.TFAOperations, op)
}

// Lockout is how many failed logins in a row lock a client out, and for how long.
func (c Config) Lockout() (failures int, lasts time.Duration) {
	return *c.MaxFailedLogins, time.Duration(*c.LockoutMinutes) * time.Minute
}

// AbsoluteSessionLifetime is how long a session may last however active it is.
func (c Config) AbsoluteSessionLifetime() time.Duration {
	return time.Duration(*c.AbsoluteSessionHours) * time.Hour
}

// OTPPolicy is the policy one-time passwords follow.
func (c Config) OTPPolicy() otp.Policy {
	s := c.SMS
	return otp.Policy{
		TTL:             time.Duration(*s.OTPTTLSeconds) * time.Second,
		MaxAttempts:     *s.OTPMaxAttempts,
		ResendCooldown:  time.Duration(*s.ResendCooldownSeconds) * time.Second,
		MaxSendsPerHour: *s.MaxSendsPerHour,
		SenderID:        s.SenderID,
		Origination:     s.OriginationNumber,

		MaxSendsPerDay:      *s.MaxSendsPerDay,
		SubjectSendsPerHour: *s.SubjectSendsPerHour,
		SubjectSendsPerDay:  *s.SubjectSendsPerDay,
		IPSendsPerHour:      *s.IPSendsPerHour,
		StackSendsPerHour:   *s.StackSendsPerHour,
		AllowedCountries:    s.AllowedCountries,
		MaxPriceUSD:         deref(s.MaxPriceUSD),
		MaxFailedCodes:      *s.MaxFailedCodes,
		FailedCodesWindow:   time.Duration(*s.FailedCodesWindowMinutes) * time.Minute,
	}
}

// TestSMSPolicy is the policy of the admin test SMS: the section's, with
// the per-admin caps as the subject's.
func (c Config) TestSMSPolicy() otp.Policy {
	p := c.OTPPolicy()
	p.SubjectSendsPerHour, p.SubjectSendsPerDay = *c.SMS.TestSMSPerHour, *c.SMS.TestSMSPerDay
	return p
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestSMSAudit is the audit section of the test SMS sent: an entry per
// send with the admin, the time, the masked number and the challenge's
// expiry. It is not the security section's trail, which records changes to
// the section (versions, before and after); sends would bury them there.
const TestSMSAudit = "security-test-sms"
