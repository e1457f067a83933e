// Package notify publishes notification events (an email verification, an
// activation letter...) for a mailer to deliver: to an SNS topic in AWS, into
// the local outbox in the dev tools. The service never sends email itself.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"clientarea/internal/messaging/outbox"
	"clientarea/internal/messaging/sms"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
)

// Kinds of notification events.
const (
	KindEmailVerification = "email_verification"
	KindActivationLetter  = "activation_letter"
	KindPasswordReset     = "password_reset"
)

// Event is one notification. It is published as this JSON object; the
// topic's subscribers can filter on the "kind" message attribute.
type Event struct {
	Kind     string            `json:"kind"`
	ClientID string            `json:"client_id,omitempty"`
	Email    string            `json:"email"`
	Language string            `json:"language,omitempty"`
	Data     map[string]string `json:"data,omitempty"` // kind-specific: "token", "account_id"...
}

// Publisher publishes notification events. A failure is a 503
// notification_unavailable.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// ErrUnavailable is the answer when an event could not be published.
var ErrUnavailable = apperr.New(apperr.Unavailable, "notification_unavailable", "the notification could not be sent; try again later")

// Topic publishes to an SNS topic.
type Topic struct {
	Client   sms.PublishAPI
	TopicARN string // empty: no topic configured, every Publish fails
}

// Publish sends e to the topic.
func (t Topic) Publish(ctx context.Context, e Event) error {
	if t.TopicARN == "" {
		return ErrUnavailable.Because("notify", fmt.Errorf("no NOTIFICATION_TOPIC_ARN configured for %s", e.Kind))
	}
	body, err := json.Marshal(e)
	if err != nil {
		return apperr.Internalf("encode notification "+e.Kind, err)
	}
	out, err := t.Client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(t.TopicARN),
		Message:  aws.String(string(body)),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"kind": {DataType: aws.String("String"), StringValue: aws.String(e.Kind)},
		},
	})
	if err != nil {
		return ErrUnavailable.Because("notify", fmt.Errorf("publish %s: %w", e.Kind, err))
	}
	slog.InfoContext(ctx, "notification published", "kind", e.Kind, "message_id", aws.ToString(out.MessageId))
	return nil
}

// Outbox puts events into the local dev outbox (GET /_dev/outbox).
type Outbox struct {
	Box   *outbox.Memory
	Clock clock.Clock
}

// Publish records e in the outbox as an email.
func (o Outbox) Publish(ctx context.Context, e Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return apperr.Internalf("encode notification "+e.Kind, err)
	}
	o.Box.Add(outbox.Message{Channel: "email", To: e.Email, Kind: e.Kind, Message: string(body), At: o.Clock.Now()})
	return nil
}
