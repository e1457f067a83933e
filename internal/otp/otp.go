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
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/phone"
	"clientarea/internal/platform/apperr"
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
}

// Request asks for a code.
type Request struct {
	Purpose Purpose
	Subject string // whom the code is for: a client id, an admin subject...
	Phone   string // where to send it: E.164, or anything international phone.Normalize reads
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

// Rate-limit kinds of SMS sends, per phone number.
const (
	rateSMSHour     = "sms_hour"
	rateSMSCooldown = "sms_cooldown"
)

// Issue sends a new code for req by SMS and returns its challenge. Errors:
// invalid_phone (422), rate_limited (429, with RetryAfter), sms_unavailable (503).
func (e *Engine) Issue(ctx context.Context, pol Policy, req Request) (Challenge, error) {
	if err := CheckKey(e.key); err != nil {
		return Challenge{}, apperr.Internalf("otp issue", err)
	}
	if req.Purpose == "" || req.Subject == "" {
		return Challenge{}, apperr.Internalf("otp issue", errors.New("purpose and subject are required"))
	}
	if pol.TTL <= 0 || pol.MaxAttempts < 1 {
		return Challenge{}, apperr.Internalf("otp issue", fmt.Errorf("unusable policy: ttl %v, max attempts %d", pol.TTL, pol.MaxAttempts))
	}
	to, err := phone.Normalize(req.Phone, "")
	if err != nil {
		return Challenge{}, err
	}
	now := e.clock.Now()
	err = e.limiter.Take(ctx, now,
		ratelimit.Rule{Kind: rateSMSCooldown, Subject: to, Gap: pol.ResendCooldown},
		ratelimit.Rule{Kind: rateSMSHour, Subject: to, Limit: pol.MaxSendsPerHour, Per: time.Hour})
	if err != nil {
		return Challenge{}, err
	}
	id, code := newID(), newCode()
	ch := Challenge{ID: id, ExpiresAt: now.Add(pol.TTL), ResendAfter: now.Add(pol.ResendCooldown), To: to}
	err = e.sender.Send(ctx, messaging.Message{
		To: to, Kind: "otp", Text: Text(req.Language, req.DefaultLanguage, code, pol.TTL),
		SenderID: pol.SenderID, OriginationNumber: pol.Origination,
	})
	if err != nil {
		return Challenge{}, err
	}
	it := item{ID: id, Purpose: string(req.Purpose), Subject: req.Subject, Hash: e.hash(id, req.Purpose, req.Subject, code),
		MaxAttempts: pol.MaxAttempts, CreatedAt: now, ExpiresAt: ch.ExpiresAt}
	if err := e.put(ctx, it); err != nil {
		return Challenge{}, err
	}
	return ch, nil
}

// Verify checks code against challenge id, for purpose and subject, and
// consumes the challenge when it is right. Errors: otp_invalid (400: wrong
// code, wrong purpose or subject, already used), otp_expired (400: expired
// or unknown), otp_attempts_exhausted (429).
func (e *Engine) Verify(ctx context.Context, id string, purpose Purpose, subject, code string) error {
	if err := CheckKey(e.key); err != nil {
		return apperr.Internalf("otp verify", err)
	}
	if !sixDigits.MatchString(code) {
		return apperr.New(apperr.BadRequest, "otp_invalid", "the code is six digits")
	}
	// At most two rounds: a failed condition means the challenge reached a
	// state that never reverts (used, exhausted or expired), which the
	// second read then reports.
	for range 2 {
		now := e.clock.Now()
		it, err := e.get(ctx, id)
		if err != nil {
			return err
		}
		if err := it.check(purpose, subject, now); err != nil {
			return err
		}
		right := hmac.Equal([]byte(it.Hash), []byte(e.hash(id, purpose, subject, code)))
		attempts, err := e.record(ctx, it, right, now)
		if dynamo.IsConditionFailed(err) {
			continue
		}
		if err != nil {
			return err
		}
		if !right {
			return apperr.Newf(apperr.BadRequest, "otp_invalid", "wrong code; %d attempts left", max(it.MaxAttempts-attempts, 0))
		}
		return nil
	}
	return apperr.New(apperr.BadRequest, "otp_invalid", "the code could not be verified; request a new one")
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// hash is the keyed hash stored instead of the code.
func (e *Engine) hash(id string, purpose Purpose, subject, code string) string {
	m := hmac.New(sha256.New, e.key)
	for _, part := range []string{"otp-v1", id, string(purpose), subject, code} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// newID returns a challenge id of 160 random bits.
func newID() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics instead)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// newCode returns six uniformly random digits.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(fmt.Sprintf("otp: crypto/rand failed: %v", err))
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// item is a stored challenge.
type item struct {
	ID          string
	Purpose     string
	Subject     string
	Hash        string
	Attempts    int
	MaxAttempts int
	Used        bool
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

type stored struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Type        string `dynamodbav:"type"`
	Purpose     string `dynamodbav:"purpose"`
	Subject     string `dynamodbav:"subject"`
	Hash        string `dynamodbav:"code_hmac"`
	Attempts    int    `dynamodbav:"attempts"`
	MaxAttempts int    `dynamodbav:"max_attempts"`
	Used        bool   `dynamodbav:"used"`
	CreatedAt   string `dynamodbav:"created_at"`
	ExpiresAt   string `dynamodbav:"expires_at"` // dynamo.SortableTime, so conditions compare it as a string
	TTL         int64  `dynamodbav:"ttl"`
}

// keepAfterExpiry is how long an expired challenge stays (answering
// otp_expired rather than "unknown") before TTL deletes it.
const keepAfterExpiry = time.Hour

func (e *Engine) put(ctx context.Context, it item) error {
	key := dynamo.OTPKey(it.ID)
	av, err := dynamo.MarshalItem(stored{PK: key.PK, SK: key.SK, Type: dynamo.TypeOTP, Purpose: it.Purpose,
		Subject: it.Subject, Hash: it.Hash, MaxAttempts: it.MaxAttempts,
		CreatedAt: sortable(it.CreatedAt), ExpiresAt: sortable(it.ExpiresAt),
		TTL: it.ExpiresAt.Add(keepAfterExpiry).Unix()}, nil)
	if err != nil {
		return apperr.Internalf("otp put", err)
	}
	_, err = e.table.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(e.table.Name), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if err != nil {
		return fmt.Errorf("store otp challenge: %w", err)
	}
	return nil
}

func (e *Engine) get(ctx context.Context, id string) (item, error) {
	expired := apperr.New(apperr.BadRequest, "otp_expired", "the code expired (or the challenge is unknown); request a new one")
	if id == "" || len(id) > 64 {
		return item{}, expired
	}
	out, err := e.table.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(e.table.Name),
		Key: dynamo.OTPKey(id).KeyAttrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return item{}, fmt.Errorf("load otp challenge: %w", err)
	}
	if out.Item == nil {
		return item{}, expired
	}
	var s stored
	if err := dynamo.UnmarshalItem(out.Item, &s); err != nil {
		return item{}, apperr.Internalf("decode otp challenge", err)
	}
	it := item{ID: id, Purpose: s.Purpose, Subject: s.Subject, Hash: s.Hash, Attempts: s.Attempts,
		MaxAttempts: s.MaxAttempts, Used: s.Used}
	it.CreatedAt, _ = time.Parse(time.RFC3339Nano, s.CreatedAt)
	if it.ExpiresAt, err = time.Parse(time.RFC3339Nano, s.ExpiresAt); err != nil {
		return item{}, apperr.Internalf("decode otp challenge", err)
	}
	return it, nil
}

// check answers why it cannot be verified now, if it cannot. A code for
// another purpose or subject is simply invalid: nothing tells the caller
// that the challenge exists.
func (it item) check(purpose Purpose, subject string, now time.Time) error {
	switch {
	case it.Purpose != string(purpose) || it.Subject != subject:
		return apperr.New(apperr.BadRequest, "otp_invalid", "wrong code")
	case it.Used:
		return apperr.New(apperr.BadRequest, "otp_invalid", "this code was already used; request a new one")
	case !now.Before(it.ExpiresAt):
		return apperr.New(apperr.BadRequest, "otp_expired", "the code expired; request a new one")
	case it.Attempts >= it.MaxAttempts:
		return apperr.New(apperr.RateLimited, "otp_attempts_exhausted", "too many wrong codes; request a new one")
	}
	return nil
}

// record counts the attempt and, when right, consumes the challenge, all
// under a condition that re-checks the state check saw. It returns the
// attempts made so far.
func (e *Engine) record(ctx context.Context, it item, right bool, now time.Time) (int, error) {
	update := "ADD attempts :one"
	values := map[string]types.AttributeValue{
		":one": dynamo.N(1), ":false": &types.AttributeValueMemberBOOL{Value: false},
		":max": dynamo.N(int64(it.MaxAttempts)), ":now": dynamo.S(sortable(now)),
		":p": dynamo.S(it.Purpose), ":s": dynamo.S(it.Subject),
	}
	if right {
		update += " SET used = :true, used_at = :now"
		values[":true"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	out, err := e.table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(e.table.Name), Key: dynamo.OTPKey(it.ID).KeyAttrs(),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("used = :false AND attempts < :max AND expires_at > :now AND purpose = :p AND subject = :s"),
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		if dynamo.IsConditionFailed(err) {
			return 0, err
		}
		return 0, fmt.Errorf("record otp attempt: %w", err)
	}
	var n struct {
		Attempts int `dynamodbav:"attempts"`
	}
	if err := dynamo.UnmarshalItem(out.Attributes, &n); err != nil {
		return 0, apperr.Internalf("decode otp attempts", err)
	}
	return n.Attempts, nil
}

func sortable(t time.Time) string { return t.UTC().Format(dynamo.SortableTime) }
