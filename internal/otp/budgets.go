package otp

import (
	"time"

	"clientarea/internal/platform/ratelimit"
)

// Send budgets. Every SMS is taken against all of them in one transaction
// (package ratelimit) before SNS is called, each "at most N in any window",
// so no burst, concurrent or across an hour boundary, gets past any of them.
// A policy field left at 0 sets no budget (the section never allows 0).
//
// Every kind starts with "sms_": the functions that send codes may touch
// only RATE#sms_* items (template.yaml).
const (
	rateResend      = "sms_resend"       // per number and purpose: the resend cooldown
	rateNumberHour  = "sms_number_hour"  // per destination number, an hour
	rateNumberDay   = "sms_number_day"   // per destination number, a day
	rateSubjectHour = "sms_subject_hour" // per Request.Subject, whatever the number
	rateSubjectDay  = "sms_subject_day"  // per Request.Subject, a day
	rateIPHour      = "sms_ip_hour"      // per source address, whatever the subject
	rateStackHour   = "sms_stack_hour"   // every SMS of the stack
)

const day = 24 * time.Hour

// stackShards spreads the stack-wide budget, which every send writes, over
// 16 items: at a peak of 50 sends a second each sees about three, so
// concurrent sends seldom collide (and retry when they do).
const stackShards = 16

// stackSubject is the one subject of the stack-wide budget.
const stackSubject = "all"

// sendRules are the limits one SMS of req to the number to is taken
// against. The cooldown is per purpose: it holds a resend of the same code,
// while a code for another step (a login, then a withdrawal) is bounded by
// the caps alone.
func sendRules(pol Policy, req Request, to string) []ratelimit.Rule {
	rules := []ratelimit.Rule{
		{Kind: rateResend, Subject: to + "#" + string(req.Purpose), Gap: pol.ResendCooldown},
		{Kind: rateNumberHour, Subject: to, Limit: pol.MaxSendsPerHour, Per: time.Hour},
		{Kind: rateNumberDay, Subject: to, Limit: pol.MaxSendsPerDay, Per: day},
		{Kind: rateSubjectHour, Subject: req.Subject, Limit: pol.SubjectSendsPerHour, Per: time.Hour},
		{Kind: rateSubjectDay, Subject: req.Subject, Limit: pol.SubjectSendsPerDay, Per: day},
		{Kind: rateStackHour, Subject: stackSubject, Limit: pol.StackSendsPerHour, Per: time.Hour, Shards: stackShards},
	}
	if source := ratelimit.SourceKey(req.SourceIP); source != "" {
		rules = append(rules, ratelimit.Rule{Kind: rateIPHour, Subject: source, Limit: pol.IPSendsPerHour, Per: time.Hour})
	}
	return rules
}
