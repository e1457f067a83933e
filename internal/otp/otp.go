// Package otp issues and verifies six-digit one-time passwords sent by SMS:
// to confirm a phone number, as the second factor of a login, or to approve
// one operation. It has no routes; the functions that need codes call it.
//
// What is stored. A challenge item (OTP#<id>) holds the purpose, the
// subject, the E.164 number the code was sent to, an HMAC-SHA256 of the
// code (keyed with the server's OTP key, over the challenge id, purpose,
// subject, number and code), the attempts so far, the attempts allowed,
// whether it was used, its expiry, and the bound on wrong codes across
// challenges it was issued under. The code itself is never stored or
// logged; the hash is useless without the key, and binding the purpose,
// subject and number into it means a login code cannot confirm a phone,
// nor a code sent to one number confirm another, even if an item were
// tampered with. Per subject and purpose, one more item
// (OTP#subject#<purpose>#<keyed hash of the subject>) holds the open
// challenge and the recent wrong codes (see subject.go).
//
// Issuing. The number must be worth a code (numbers.go: a mobile number of
// an allowed country; premium-rate, international-network, fixed-line...
// numbers are refused), then the send limits are taken in one conditional
// transaction (package ratelimit), so no SMS goes out past them. Then the
// SMS is sent (with the policy's price cap), and only after SNS accepted it
// is the challenge written, in one transaction with the subject item
// naming it the open challenge (and whatever the caller records with it,
// Request.Also: an admin's test SMS its audit entry): a failed send leaves
// no challenge, hence no usable code, and a new code voids the earlier
// ones. A send counts
// against the limits even when it fails, because a failed Publish may
// still have been delivered and because retry storms are what SMS pumping
// looks like.
//
// Verifying without read-then-write. Verify reads the challenge and the
// caller's subject item (both at once, in one BatchGetItem; after
// SubjectOf or PurposeOf, VerifyFound reads only the subject item in its
// first round, the challenge as they read it), refuses while the subject
// is locked out (otp_locked: MaxFailedCodes wrong codes within
// FailedCodesWindow, on any challenges), checks use, voiding, expiry and
// attempts, and compares the HMAC in constant time. Its write is one
// transaction: the challenge's update adds 1 to attempts (ADD) and, for
// the right code, sets used = true, under "used = false AND attempts = as
// read AND attempts < max AND expires_at > now AND purpose and subject as
// expected"; the subject item's update records a wrong code (or, for the
// right one, only checks) under "the challenge is still the open one AND
// version = the one read". Whatever happened
// between the read and the write, the conditions re-check it in DynamoDB,
// and a verify whose conditions failed reads again and decides again: of
// eight concurrent verifies of the right code exactly one succeeds, the
// others find the challenge used; of N concurrent wrong codes exactly as
// many are counted as the lock admits, the others find the lock. A wrong
// attempt can never be "uncounted" by a race, and a right code cannot be
// accepted after the attempts ran out, the code expired (even if TTL has
// not deleted the item yet), a newer code voided it, or the subject got
// locked out.
//
// Verify returns the number the code was sent to; VerifyNumber accepts a
// code only for the number it must have gone to, so confirming a phone
// confirms that number and no other. A challenge of another subject or
// purpose answers exactly like a wrong code of the caller's own (status,
// code, attempts left), counted against the caller, so nobody learns
// whether it exists.
package otp

import (
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/messaging"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
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

// usable refuses a policy no code can be issued under: the section's rules
// never produce one, so it is a caller's bug.
func (p Policy) usable() error {
	if p.TTL <= 0 || p.MaxAttempts < 1 || p.MaxFailedCodes < 1 || p.FailedCodesWindow < time.Second {
		return fmt.Errorf("unusable policy: ttl %v, max attempts %d, max failed codes %d in %v",
			p.TTL, p.MaxAttempts, p.MaxFailedCodes, p.FailedCodesWindow)
	}
	return nil
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
	// Also, when set, gives what else to write in the transaction that
	// stores the challenge once SNS accepted the SMS (an audit entry of the
	// send, say): it is written with the challenge or not at all. It is
	// called before anything is counted or sent; an error refuses the
	// request (a bug: 500).
	Also func(Challenge) ([]types.TransactWriteItem, error)
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

// Answer is the body of every route that takes a code back: the challenge
// it answers and the code.
type Answer struct {
	ChallengeID string `json:"challenge_id"`
	Code        string `json:"code"`
}

// Check names the missing fields (422): the code, and the challenge id
// unless the route's path names the challenge (withID false).
func (a Answer) Check(withID bool) error {
	var f apperr.Fields
	f.Check(!withID || a.ChallengeID != "", "challenge_id", "is required")
	f.Check(a.Code != "", "code", "is required")
	return f.Err()
}

// ReadAnswer decodes and checks the body of a route that takes a code back.
func ReadAnswer(w http.ResponseWriter, r *http.Request, withID bool) (Answer, error) {
	var a Answer
	if err := httpapi.DecodeJSON(w, r, &a); err != nil {
		return a, err
	}
	return a, a.Check(withID)
}
