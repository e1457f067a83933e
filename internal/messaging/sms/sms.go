// Package sms sends text messages: through Amazon SNS in AWS, into the local
// outbox in the dev tools. Callers hold a Sender and never know which.
package sms

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"clientarea/internal/messaging/outbox"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/logging"
)

// Message is one SMS.
type Message struct {
	To   string // phone number; normalised to E.164 before sending
	Text string
	Kind string // what it is about ("otp"), for the outbox and logs
	// From the security section; empty means the account's defaults.
	SenderID          string // alphanumeric sender id, where the country supports it
	OriginationNumber string // E.164 number to send from (toll-free, 10DLC...)
}

// Sender sends one SMS. Failures are apperr errors: invalid_phone (422) for
// a number that cannot exist, sms_unavailable (503) when delivery fails.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrUnavailable is the answer when an SMS could not be handed over.
var ErrUnavailable = apperr.New(apperr.Unavailable, "sms_unavailable", "the SMS could not be sent; try again later")

// PublishAPI is the part of the SNS client that sending SMS needs.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNS sends SMS with Amazon SNS Publish to a phone number.
type SNS struct{ Client PublishAPI }

// Send publishes m as a Transactional SMS (the type AWS routes for
// reliability rather than cost, meant for one-time passwords).
func (s SNS) Send(ctx context.Context, m Message) error {
	to, err := phone.Normalize(m.To, "")
	if err != nil {
		return err
	}
	attrs := map[string]types.MessageAttributeValue{
		"AWS.SNS.SMS.SMSType": stringAttr("Transactional"),
	}
	if m.SenderID != "" {
		attrs["AWS.SNS.SMS.SenderID"] = stringAttr(m.SenderID)
	}
	if m.OriginationNumber != "" {
		attrs["AWS.MM.SMS.OriginationNumber"] = stringAttr(m.OriginationNumber)
	}
	out, err := s.Client.Publish(ctx, &sns.PublishInput{
		PhoneNumber: aws.String(to), Message: aws.String(m.Text), MessageAttributes: attrs,
	})
	if err != nil {
		slog.WarnContext(ctx, "sms not sent", "to", logging.MaskPhone(to), "kind", m.Kind, "error", err.Error())
		return ErrUnavailable.Because("sns publish", fmt.Errorf("publish %s sms to %s: %w", m.Kind, logging.MaskPhone(to), err))
	}
	slog.InfoContext(ctx, "sms sent", "to", logging.MaskPhone(to), "kind", m.Kind, "message_id", aws.ToString(out.MessageId))
	return nil
}

func stringAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

// Outbox "sends" into the local dev outbox (GET /_dev/outbox).
type Outbox struct {
	Box   *outbox.Memory
	Clock clock.Clock
}

// Send records m in the outbox.
func (o Outbox) Send(ctx context.Context, m Message) error {
	to, err := phone.Normalize(m.To, "")
	if err != nil {
		return err
	}
	o.Box.Add(outbox.Message{Channel: "sms", To: to, Kind: m.Kind, Message: m.Text, At: o.Clock.Now()})
	slog.InfoContext(ctx, "sms put in the dev outbox", "to", logging.MaskPhone(to), "kind", m.Kind)
	return nil
}
