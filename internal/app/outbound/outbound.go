// Package outbound decides where a function's outgoing messages go and
// builds what sends them: SMS and notification events to SNS in AWS (or to
// the SNS at SNS_ENDPOINT), to the outbox in the local tools and tests; and
// the one-time-password engine with its key.
//
// Only the functions that send messages import it: it links the SNS and
// Secrets Manager SDKs, which package app (every function) must not.
package outbound

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/messaging"
	"clientarea/internal/messaging/delivery"
	"clientarea/internal/otp"
)

// channel is what both sends SMS and publishes notification events.
type channel interface {
	messaging.Sender
	messaging.Publisher
}

// to is where d's messages go: the outbox when d has one (local tools,
// tests) and no SNS_ENDPOINT names an SNS to use instead; SNS otherwise.
func to(d *app.Deps) channel {
	if d.Outbox != nil && d.Config.SNSEndpoint == "" {
		return delivery.Outbox{Box: d.Outbox, Clock: d.Clock}
	}
	return delivery.SNS{Client: delivery.SNSClient(d.AWS, d.Config.SNSEndpoint), TopicARN: d.Config.NotificationTopicARN}
}

// SMS returns the sender of d's text messages.
func SMS(d *app.Deps) messaging.Sender { return to(d) }

// Notifications returns the publisher of d's notification events.
func Notifications(d *app.Deps) messaging.Publisher { return to(d) }

// OTPKey returns the key of the code hashes: read from the Secrets Manager
// secret OTP_KEY_SECRET_ARN when set (in AWS), else CLIENTAREA_OTP_KEY (the
// local tools). A missing or short key is an error: no codes without it.
func OTPKey(ctx context.Context, d *app.Deps) ([]byte, error) {
	if arn := d.Config.OTPKeySecretARN; arn != "" {
		return otp.LoadKey(ctx, otp.SecretsClient(d.AWS, d.Config.SecretsManagerEndpoint), arn)
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
