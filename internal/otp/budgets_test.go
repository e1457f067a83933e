package otp

import (
	"fmt"
	"testing"
	"time"

	"clientarea/internal/platform/ratelimit"
)

func TestSendRules(t *testing.T) {
	pol := Policy{ResendCooldown: time.Minute, MaxSendsPerHour: 5, MaxSendsPerDay: 10, SubjectSendsPerHour: 10,
		SubjectSendsPerDay: 20, IPSendsPerHour: 20, StackSendsPerHour: 200}
	req := Request{Purpose: Operation("withdraw"), Subject: "c-1", SourceIP: "203.0.113.7"}
	got := sendRules(pol, req, "+4915112345678")
	want := []ratelimit.Rule{
		{Kind: "sms_resend", Subject: "+4915112345678#operation:withdraw", Gap: time.Minute},
		{Kind: "sms_number_hour", Subject: "+4915112345678", Limit: 5, Per: time.Hour},
		{Kind: "sms_number_day", Subject: "+4915112345678", Limit: 10, Per: 24 * time.Hour},
		{Kind: "sms_subject_hour", Subject: "c-1", Limit: 10, Per: time.Hour},
		{Kind: "sms_subject_day", Subject: "c-1", Limit: 20, Per: 24 * time.Hour},
		{Kind: "sms_stack_hour", Subject: "all", Limit: 200, Per: time.Hour, Shards: 16},
		{Kind: "sms_ip_hour", Subject: "203.0.113.7", Limit: 20, Per: time.Hour},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rules\n got %v\nwant %v", got, want)
	}
	// Without a source address there is no per-address rule to take.
	req.SourceIP = ""
	if got := sendRules(pol, req, "+4915112345678"); len(got) != 6 || got[5].Kind != "sms_stack_hour" {
		t.Fatalf("rules without an address: %v", got)
	}
}

func TestSourceKey(t *testing.T) {
	cases := map[string]string{
		"203.0.113.7":                 "203.0.113.7",
		"203.0.113.7:54321":           "203.0.113.7", // a dev server's remote address
		"::ffff:203.0.113.7":          "203.0.113.7",
		"2001:db8:1:2::1":             "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ff:1": "2001:db8:1:2::/64", // the same host's /64
		"[2001:db8:1:2::1]:443":       "2001:db8:1:2::/64",
		"fe80::1%eth0":                "fe80::/64",
		"2001:db8:1:3::1":             "2001:db8:1:3::/64",
		"":                            "",
		"not an address":              "not an address",
	}
	for in, want := range cases {
		if got := ratelimit.SourceKey(in); got != want {
			t.Errorf("SourceKey(%q) = %q, want %q", in, got, want)
		}
	}
}
