// Package delivery hands messages over: SMS and notification events to
// Amazon SNS in AWS (or the SNS at SNS_ENDPOINT), into the dev outbox in
// the local tools and tests. Both ways implement messaging.Sender and
// messaging.Publisher, and both read phone numbers the same way, so what a
// function sends locally is what it would send in AWS.
//
// Only the functions that send import this package: it links the SNS SDK
// and the phone number metadata.
package delivery

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/logging"
)

// Outbox puts messages into the local dev outbox (GET /_dev/outbox).
type Outbox struct {
	Box   *messaging.Outbox
	Clock clock.Clock
}

// Send records m in the outbox.
func (o Outbox) Send(ctx context.Context, m messaging.Message) error {
	to, err := phone.Normalize(m.To, "")
	if err != nil {
		return err
	}
	o.Box.Add(messaging.OutboxItem{Channel: "sms", To: to, Kind: m.Kind, Message: m.Text, At: o.Clock.Now()})
	slog.InfoContext(ctx, "sms put in the dev outbox", "to", logging.MaskPhone(to), "kind", m.Kind, "triggered_by", triggeredBy(m))
	return nil
}

// Publish records e in the outbox as an email.
func (o Outbox) Publish(_ context.Context, e messaging.Event) error {
	body, err := encode(e)
	if err != nil {
		return err
	}
	o.Box.Add(messaging.OutboxItem{Channel: "email", To: e.Email, Kind: e.Kind, Message: body, At: o.Clock.Now()})
	return nil
}

// triggeredBy is who asked for m, as the log lines name them: a client's
// or an admin's subject as it is; the phone number or email address an
// anonymous flow confirms masked, like every number in the logs.
func triggeredBy(m messaging.Message) string {
	who := m.TriggeredBy
	if strings.HasPrefix(who, "+") {
		return logging.MaskPhone(who)
	}
	if local, domain, ok := strings.Cut(who, "@"); ok && local != "" {
		return string([]rune(local)[:1]) + "***@" + domain
	}
	return who
}

// encode is an event as it is published: its JSON object.
func encode(e messaging.Event) (string, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return "", apperr.Internalf("encode notification "+e.Kind, err)
	}
	return string(body), nil
}
