// Package messaging is what the service says to people: SMS (one-time
// passwords) and notification events (an email verification, an activation
// letter...) that a mailer subscribed to the topic turns into email. It
// holds the messages, the interfaces their senders implement, the errors
// of a failed hand-over and the dev outbox. Package delivery hands messages
// over: to Amazon SNS in AWS, into the outbox locally.
//
// Every function links this package (through app's Deps.Outbox), so it
// imports no AWS SDK and no phone number metadata: only the functions that
// send pay for those, at build size and cold start.
package messaging

import (
	"context"

	"clientarea/internal/platform/apperr"
)

// Message is one SMS.
type Message struct {
	To   string // phone number; normalised to E.164 before sending
	Text string
	Kind string // what it is about ("otp"), for the outbox and logs
	// TriggeredBy is whose request sends it (the OTP's subject: a client,
	// an admin, the email or number being confirmed), for the "sms sent"
	// log line: an SMS costs money, so each one names who asked for it.
	TriggeredBy string
	// From the security section; empty means the account's defaults.
	SenderID          string // alphanumeric sender id, where the country supports it
	OriginationNumber string // E.164 number to send from (toll-free, 10DLC...)
	// MaxPrice is the most this SMS may cost, in USD ("0.50"); SNS does not
	// send one that would cost more. Empty: no cap but the account's.
	MaxPrice string
}

// Sender sends one SMS. Failures are apperr errors: invalid_phone (422) for
// a number that cannot exist, sms_unavailable (503) when delivery fails.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

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

// SMSUnavailable is the answer when an SMS could not be handed over; add
// the cause with Because.
func SMSUnavailable() *apperr.Error {
	return apperr.New(apperr.Unavailable, "sms_unavailable", "the SMS could not be sent; try again later")
}

// NotificationUnavailable is the answer when an event could not be
// published; add the cause with Because.
func NotificationUnavailable() *apperr.Error {
	return apperr.New(apperr.Unavailable, "notification_unavailable", "the notification could not be sent; try again later")
}
