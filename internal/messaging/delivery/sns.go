package delivery

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/logging"
)

// SNSClient returns an SNS client; endpoint (SNS_ENDPOINT) points it at a
// local server when set.
func SNSClient(cfg aws.Config, endpoint string) *sns.Client {
	return sns.NewFromConfig(cfg, func(o *sns.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// PublishAPI is the part of the SNS client that sending needs.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNS sends SMS with Amazon SNS Publish to a phone number and publishes
// notification events to the topic TopicARN.
type SNS struct {
	Client   PublishAPI
	TopicARN string // empty: no topic configured, every Publish fails
}

// Send publishes m as a Transactional SMS (the type AWS routes for
// reliability rather than cost, meant for one-time passwords). A failure
// is not logged here: the cause travels in the sms_unavailable error, and
// the HTTP edge logs it once.
func (s SNS) Send(ctx context.Context, m messaging.Message) error {
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
	if m.MaxPrice != "" { // a Number attribute, as SNS documents it
		attrs["AWS.SNS.SMS.MaxPrice"] = types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(m.MaxPrice)}
	}
	// Sent at most once: the SDK retries a throttled Publish (SNS did not
	// take it), never one that may have gone out (a 5xx, a timeout), which
	// would send the same code twice. An SNS that does not answer takes at
	// most half the request's time: the rest is the caller's, to go on
	// without the SMS or to answer 503.
	pctx, cancel := awsclients.HalfTime(ctx)
	defer cancel()
	out, err := s.Client.Publish(pctx, &sns.PublishInput{
		PhoneNumber: aws.String(to), Message: aws.String(m.Text), MessageAttributes: attrs,
	}, func(o *sns.Options) { o.Retryer = awsclients.RetryUnsentOnly(o.Retryer) })
	if err != nil {
		return messaging.SMSUnavailable().Because("sns publish",
			fmt.Errorf("publish %s sms to %s: %w", m.Kind, logging.MaskPhone(to), err))
	}
	slog.InfoContext(ctx, "sms sent", "to", logging.MaskPhone(to), "kind", m.Kind, "triggered_by", triggeredBy(m),
		"message_id", aws.ToString(out.MessageId))
	return nil
}

// Publish sends e to the topic, with its kind as a message attribute for
// the subscriptions' filter policies.
func (s SNS) Publish(ctx context.Context, e messaging.Event) error {
	if s.TopicARN == "" {
		return messaging.NotificationUnavailable().Because("notify",
			fmt.Errorf("no NOTIFICATION_TOPIC_ARN configured for %s", e.Kind))
	}
	body, err := encode(e)
	if err != nil {
		return err
	}
	pctx, cancel := awsclients.HalfTime(ctx) // as for an SMS, and published at most once too
	defer cancel()
	out, err := s.Client.Publish(pctx, &sns.PublishInput{
		TopicArn:          aws.String(s.TopicARN),
		Message:           aws.String(body),
		MessageAttributes: map[string]types.MessageAttributeValue{"kind": stringAttr(e.Kind)},
	}, func(o *sns.Options) { o.Retryer = awsclients.RetryUnsentOnly(o.Retryer) })
	if err != nil {
		return messaging.NotificationUnavailable().Because("notify", fmt.Errorf("publish %s: %w", e.Kind, err))
	}
	slog.InfoContext(ctx, "notification published", "kind", e.Kind, "message_id", aws.ToString(out.MessageId))
	return nil
}

func stringAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}
