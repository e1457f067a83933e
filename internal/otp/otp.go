// Package otp issues and verifies six-digit one-time passwords sent by SMS:
// to confirm a phone number, as the second factor of a login, or to approve
// one operation. It has no routes; the functions that need codes call it.
//
// What is stored. A challenge item (OTP#<id>) holds the purpose, the
// subject, an HMAC-SHA256 of the code (keyed with the server's OTP key, over
// the challenge id, purpose, subject and code), the attempts so far, the
// attempts allowed, whether it was used, and its expiry. The code itself is
// never stored or logged; the hash is useless without the key, and binding
// the purpose and subject into it means a login code cannot confirm a phone
// even if an item were tampered with.
//
// Issuing. The per-number limits (resend cooldown, sends per hour) are taken
// first, in one conditional transaction (package ratelimit), so no SMS goes
// out past them. Then the SMS is sent, and only after SNS accepted it is the
// challenge written: a failed send leaves no challenge, hence no usable code.
// A send counts against the limits even when it fails, because a failed
// Publish may still have been delivered and because retry storms are what
// SMS pumping looks like.
//
// Verifying without read-then-write. Verify reads the challenge, checks
// purpose, subject, use, expiry and attempts, and compares the HMAC in
// constant time. Its write is then one conditional UpdateItem that adds 1 to
// attempts (atomically, ADD) and, for the right code, also sets used = true,
// under the condition "used = false AND attempts < max AND expires_at > now
// AND purpose and subject as expected". Whatever happened between the read
// and the write, the condition re-checks it in DynamoDB: of eight concurrent
// verifies of the right code exactly one write succeeds, the others fail
// their condition, read again, find the challenge used and answer
// otp_invalid. A wrong attempt can never be "uncounted" by a race, and a
// right code cannot be accepted after the attempts ran out or the code
// expired, even if TTL has not deleted the item yet.
package otp

import (
	"time"

	"clientarea/internal/messaging"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/ratelimit"
)

// Purpose is what a code may be used for; a code verifies only for the
// purpose it was issued for.
type Purpose string

// The purposes of codes.
const (
	PhoneConfirmation Purpose = "phone_confirmation"
	Login             Purpose = "login"
	PasswordReset     Purpose = "password_reset"
	SMSTest           Purpose = "sms_test" // an admin checking the SMS settings
)

// Operation is the purpose of a code approving one operation ("withdraw"...):
// a code for a withdrawal does not approve a transfer.
func Operation(op string) Purpose { return Purpose("operation:" + op) }

// Policy is the security section's SMS settings that codes follow. Callers
// load the section once per request and pass its policy.
type Policy struct {
	TTL             time.Duration // how long a code is valid
	MaxAttempts     int           // wrong codes allowed before the challenge is dead
	ResendCooldown  time.Duration // per phone number, between two sends
	MaxSendsPerHour int           // per phone number
	SenderID        string        // SNS sender id; empty: the account default
	Origination     string        // SNS origination number; empty: the account default

	// Send budgets, each "at most N in any window", checked in the same
	// transaction as the per-number cooldown.
	MaxSendsPerDay      int // per destination number
	SubjectSendsPerHour int // per Request.Subject
	SubjectSendsPerDay  int
	IPSendsPerHour      int // per Request.SourceIP
	StackSendsPerHour   int // every SMS of the stack

	// Numbers worth sending to.
	AllowedCountries []string // ISO 3166-1 alpha-2; empty: all
	MaxPriceUSD      string   // AWS.SNS.SMS.MaxPrice; empty: the account default

	// Guessing across challenges: at most MaxFailedCodes wrong codes per
	// subject and purpose in FailedCodesWindow, then otp_locked.
	MaxFailedCodes    int
	FailedCodesWindow time.Duration
}

// Request asks for a code.
type Request struct {
	Purpose Purpose
	Subject string // whom the code is for: a client id, an admin subject...
	Phone   string // where to send it: E.164, or anything international phone.Normalize reads
	// SourceIP is the caller's address (API Gateway's sourceIp), for the
	// per-address budget; empty when there is none.
	SourceIP string
	// Language of the SMS (BCP 47); DefaultLanguage is used when there is
	// no text in Language, and English when there is none in either.
	Language, DefaultLanguage string
}

// Challenge is an issued code's public side.
type Challenge struct {
	ID          string    `json:"challenge_id"`
	ExpiresAt   time.Time `json:"expires_at"`
	ResendAfter time.Time `json:"resend_after"`
	To          string    `json:"-"` // the E.164 number it was sent to
}

// Engine issues and verifies codes.
type Engine struct {
	table   dynamo.Table
	clock   clock.Clock
	key     []byte
	sender  messaging.Sender
	limiter ratelimit.Limiter
}

// MinKeyBytes is the shortest OTP key accepted.
const MinKeyBytes = 32

// New returns an engine; key is the HMAC key of the code hashes (see
// CheckKey). An engine without a usable key refuses every request with an
// internal error rather than hash with a guessable key; the Lambda cold
// start of a function that sends codes fails before that can happen.
func New(table dynamo.Table, clk clock.Clock, key []byte, sender messaging.Sender) *Engine {
	return &Engine{table: table, clock: clk, key: key, sender: sender, limiter: ratelimit.Limiter{Table: table}}
}
