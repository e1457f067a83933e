package otp

import (
	"time"

	"clientarea/internal/platform/ratelimit"
)

// Rate-limit kinds of SMS sends, per phone number.
const (
	rateSMSHour     = "sms_hour"
	rateSMSCooldown = "sms_cooldown"
)

// sendRules are the limits one SMS of req to the number to is taken
// against, all in one transaction.
func sendRules(pol Policy, req Request, to string) []ratelimit.Rule {
	return []ratelimit.Rule{
		{Kind: rateSMSCooldown, Subject: to, Gap: pol.ResendCooldown},
		{Kind: rateSMSHour, Subject: to, Limit: pol.MaxSendsPerHour, Per: time.Hour},
	}
}
