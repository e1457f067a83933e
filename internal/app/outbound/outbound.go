// Package outbound decides where a function's outgoing messages go and
// builds what sends them: SMS and notification events to SNS in AWS (or to
// the SNS at SNS_ENDPOINT), to the outbox in the local tools and tests; and
// the one-time-password engine with its key.
package outbound

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/messaging/notify"
	"clientarea/internal/messaging/sms"
	"clientarea/internal/otp"
	"clientarea/internal/platform/awsclients"
)

func useOutbox(d *app.Deps) bool { return d.Outbox != nil && d.Config.SNSEndpoint == "" }

// SMS returns the sender of d's text messages.
func SMS(d *app.Deps) sms.Sender {
	if useOutbox(d) {
		return sms.Outbox{Box: d.Outbox, Clock: d.Clock}
	}
	return sms.SNS{Client: awsclients.SNS(d.AWS, d.Config.SNSEndpoint)}
}

// Notifications returns the publisher of d's notification events.
func Notifications(d *app.Deps) notify.Publisher {
	if useOutbox(d) {
		return notify.Outbox{Box: d.Outbox, Clock: d.Clock}
	}
	return notify.Topic{Client: awsclients.SNS(d.AWS, d.Config.SNSEndpoint), TopicARN: d.Config.NotificationTopicARN}
}

// OTPKey returns the key of the code hashes: read from the Secrets Manager
// secret OTP_KEY_SECRET_ARN when set (in AWS), else CLIENTAREA_OTP_KEY (the
// local tools). A missing or short key is an error: no codes without it.
func OTPKey(ctx context.Context, d *app.Deps) ([]byte, error) {
	if arn := d.Config.OTPKeySecretARN; arn != "" {
		return otp.LoadKey(ctx, awsclients.SecretsManager(d.AWS, d.Config.SecretsManagerEndpoint), arn)
	}
	key := []byte(d.Config.OTPKey)
	if err := otp.CheckKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

// OTP returns the one-time-password engine of d.
func OTP(ctx context.Context, d *app.Deps) (*otp.Engine, error) {
	key, err := OTPKey(ctx, d)
	if err != nil {
		return nil, err
	}
	return otp.New(d.Table, d.Clock, key, SMS(d)), nil
}
