package delivery_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/delivery"
	"clientarea/internal/platform/clock"
	"clientarea/internal/testsupport/logtest"
	"clientarea/internal/testsupport/snstest"
)

// Every SMS sent is logged with who asked for it and the masked number,
// in AWS and in the dev outbox alike, and never with its text (the code).
func TestEverySMSLogsWhoTriggeredIt(t *testing.T) {
	srv := snstest.New(t)
	senders := map[string]messaging.Sender{
		"sms sent":                  delivery.SNS{Client: srv.Client(t)},
		"sms put in the dev outbox": delivery.Outbox{Box: &messaging.Outbox{}, Clock: clock.NewFake(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))},
	}
	cases := []struct{ subject, logged string }{
		{"admin-7", "admin-7"},
		{"3f0c9e1a-client", "3f0c9e1a-client"},
		// Anonymous flows confirm a number or an address: masked like the destination.
		{"+4915198765432", "+49*********32"},
		{"jane.doe@example.com", "j***@example.com"},
		{"", ""},
	}
	for msg, sender := range senders {
		for _, c := range cases {
			m := messaging.Message{To: "+49 151 12345678", Text: "Your code is 493817", Kind: "otp", TriggeredBy: c.subject}
			var err error
			lines := logtest.Capture(t, func() { err = sender.Send(context.Background(), m) })
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != 1 {
				t.Fatalf("%s: %d log lines, want 1: %s", msg, len(lines), lines)
			}
			l := lines[0]
			if l["msg"] != msg || l["level"] != "INFO" || l["to"] != "+49*********78" || l["kind"] != "otp" || l["triggered_by"] != c.logged {
				t.Fatalf("%s for %q: log line %v", msg, c.subject, l)
			}
			raw, _ := json.Marshal(l)
			for _, secret := range []string{"493817", "4915112345678", "jane.doe", "98765432"} {
				if strings.Contains(string(raw), secret) {
					t.Fatalf("%s: the log line holds %q: %s", msg, secret, raw)
				}
			}
		}
	}
}
