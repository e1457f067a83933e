// Package outbound decides where a function's outgoing messages go and
// builds what sends them: SMS and notification events to SNS in AWS (or to
// the SNS at SNS_ENDPOINT), to the outbox in the local tools and tests.
// (The one-time-password engine and its key: package app/otpkey.)
//
// Only the functions that send messages import it: it links the SNS SDK,
// which package app (every function) must not.
package outbound

import (
	"clientarea/internal/app"
	"clientarea/internal/messaging"
	"clientarea/internal/messaging/delivery"
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
