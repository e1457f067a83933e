package otp_test

import (
	"strings"
	"testing"

	"clientarea/internal/otp"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/snstest"
)

// expectRefusedNumber fails t unless err is the 422 invalid_phone naming
// field "phone" with a message saying why.
func expectRefusedNumber(t *testing.T, err error, why string) {
	t.Helper()
	e := expectCode(t, err, apperr.Invalid, "invalid_phone")
	if len(e.Fields) != 1 || e.Fields[0].Field != "phone" || !strings.Contains(e.Fields[0].Message, why) {
		t.Fatalf("fields %+v, want phone: ...%s...", e.Fields, why)
	}
}

// Numbers whose owners are paid per SMS, and numbers no SMS reaches, get
// no code, and nothing is counted or stored for them.
func TestCodesGoOnlyToMobileNumbers(t *testing.T) {
	h := setup(t)
	refused := []struct{ number, why string }{
		{"+44 909 879 0000", "premium-rate"},
		{"+449112345678", "premium-rate"},
		{"+49 900 1 123456", "premium-rate"},
		{"+33884012345", "shared-cost"},
		{"+881612345678", "international network"}, // Iridium
		{"+8823421234", "international network"},
		{"+883510012345", "international network"},
		{"+870301234567", "international network"}, // Inmarsat
		{"+80012345678", "international network"},  // international freephone
		{"+18005550100", "toll-free"},
		{"+448001234567", "toll-free"},
		{"+498001234567", "toll-free"},
		{"+445612345678", "VoIP"},
		{"+447012345678", "personal"},
		{"+4930123456", "fixed-line"},
		{"+442071234567", "fixed-line"},
		{"+447640123456", "pager"},
		{"+445512345678", "uan"},
		{"+49177991234567", "voicemail"},
	}
	for _, c := range refused {
		_, err := h.engine.Issue(ctx, policy, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: c.number})
		expectRefusedNumber(t, err, c.why)
	}
	if n := len(h.env.Deps.Outbox.List()); n != 0 {
		t.Fatalf("%d SMS sent to refused numbers", n)
	}
	if n := len(h.env.Items()); n != 0 {
		t.Fatalf("%d items written for refused numbers: limits are taken only for numbers worth a code", n)
	}
	// Mobile numbers, and numbers that may be mobile (+1's shared ranges).
	for _, n := range []string{number, "+33612345678", "+12025550143"} {
		h.issue(t, policy, otp.Login, "c-1", n)
	}
}

func TestCodesGoOnlyToAllowedCountries(t *testing.T) {
	h := setup(t)
	pol := policy
	pol.AllowedCountries = []string{"DE", "FR"}
	h.issue(t, pol, otp.Login, "c-1", number)
	h.issue(t, pol, otp.Login, "c-2", "+33 6 12 34 56 78")
	for number, region := range map[string]string{"+12025550143": "US", "+447400123456": "GB", "+447911123456": "GG"} {
		_, err := h.engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-3", Phone: number})
		expectRefusedNumber(t, err, "SMS to "+region+" are not enabled")
	}
	// The kind of number is told first: it does not depend on the settings.
	_, err := h.engine.Issue(ctx, pol, otp.Request{Purpose: otp.Login, Subject: "c-3", Phone: "+499001123456"})
	expectRefusedNumber(t, err, "premium-rate")
	if n := len(h.env.Deps.Outbox.List()); n != 2 {
		t.Fatalf("%d SMS sent, want 2", n)
	}
}

// The price cap travels with every SMS as AWS.SNS.SMS.MaxPrice, a Number
// attribute; without one the account's default applies.
func TestEverySMSCarriesThePriceCap(t *testing.T) {
	h := setup(t)
	srv := snstest.New(t)
	h.env.Deps.Config.SNSEndpoint = srv.URL
	engine := engine(t, h.env)
	pol := policy
	pol.MaxPriceUSD = "0.05"
	for _, p := range []otp.Policy{pol, policy} {
		if _, err := engine.Issue(ctx, p, otp.Request{Purpose: otp.Login, Subject: "c-1", Phone: number}); err != nil {
			t.Fatal(err)
		}
		h.env.Clock.Advance(policy.ResendCooldown)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d SNS requests", len(reqs))
	}
	if a := reqs[0].Attributes["AWS.SNS.SMS.MaxPrice"]; a != (snstest.Attribute{DataType: "Number", StringValue: "0.05"}) {
		t.Fatalf("MaxPrice attribute %+v", a)
	}
	if a, ok := reqs[1].Attributes["AWS.SNS.SMS.MaxPrice"]; ok {
		t.Fatalf("MaxPrice attribute %+v sent without a cap", a)
	}
}
