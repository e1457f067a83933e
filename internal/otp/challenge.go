package otp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// mac is the keyed hash of parts, each ended by a zero byte so that no two
// lists of parts hash alike. The first part names what is hashed, so that
// hashes of one kind never stand for another.
func (e *Engine) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, e.key)
	for _, part := range parts {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// hash is the keyed hash stored instead of the code. It binds the code to
// its challenge, purpose, subject and the number it was sent to; "otp-v2"
// added the number, so a code hashed as "otp-v1" matches nothing.
func (e *Engine) hash(id string, purpose Purpose, subject, phone, code string) string {
	return hex.EncodeToString(e.mac("otp-v2", id, string(purpose), subject, phone, code))
}

// idLength is the length of a challenge id: 160 bits in base32.
const idLength = 32

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID returns a challenge id of 160 random bits.
func newID() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics instead)
	return idEncoding.EncodeToString(b)
}

// validID reports whether id could have come from newID; anything else is
// answered like an unknown challenge without reading the table.
func validID(id string) bool {
	if len(id) != idLength {
		return false
	}
	_, err := idEncoding.DecodeString(id)
	return err == nil
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
	Phone       string // E.164, where the code was sent
	Hash        string
	Attempts    int
	MaxAttempts int
	Used        bool
	CreatedAt   time.Time
	ExpiresAt   time.Time
	// The bound on wrong codes across challenges when it was issued: a
	// verify follows the policy its code was sent under.
	MaxFailed  int
	FailWindow time.Duration
}

// lifetime is how long the challenge was valid for.
func (it item) lifetime() time.Duration { return it.ExpiresAt.Sub(it.CreatedAt) }

type stored struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Type        string `dynamodbav:"type"`
	Purpose     string `dynamodbav:"purpose"`
	Subject     string `dynamodbav:"subject"`
	Phone       string `dynamodbav:"phone"`
	Hash        string `dynamodbav:"code_hmac"`
	Attempts    int    `dynamodbav:"attempts"`
	MaxAttempts int    `dynamodbav:"max_attempts"`
	Used        bool   `dynamodbav:"used"`
	CreatedAt   string `dynamodbav:"created_at"`
	ExpiresAt   string `dynamodbav:"expires_at"` // dynamo.SortableTime, so conditions compare it as a string
	MaxFailed   int    `dynamodbav:"max_failed_codes"`
	FailWindow  int64  `dynamodbav:"failed_codes_window_s"`
	TTL         int64  `dynamodbav:"ttl"`
}

// keepAfterExpiry is how long an expired challenge stays (answering
// otp_expired rather than "unknown") before TTL deletes it.
const keepAfterExpiry = time.Hour

// store writes a new challenge and makes it its subject's open one, in one
// transaction: from then on a code of an earlier challenge for the same
// subject and purpose no longer verifies. The transaction also writes
// also (Request.Also): all of it or nothing.
func (e *Engine) store(ctx context.Context, it item, also ...types.TransactWriteItem) error {
	key := dynamo.OTPKey(it.ID)
	av, err := dynamo.MarshalItem(stored{PK: key.PK, SK: key.SK, Type: dynamo.TypeOTP, Purpose: it.Purpose,
		Subject: it.Subject, Phone: it.Phone, Hash: it.Hash, MaxAttempts: it.MaxAttempts,
		CreatedAt: dynamo.Sortable(it.CreatedAt), ExpiresAt: dynamo.Sortable(it.ExpiresAt),
		MaxFailed: it.MaxFailed, FailWindow: int64(it.FailWindow / time.Second),
		TTL: it.ExpiresAt.Add(keepAfterExpiry).Unix()}, nil)
	if err != nil {
		return apperr.Internalf("otp put", err)
	}
	put := &types.Put{TableName: aws.String(e.table.Name), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}
	err = e.table.TransactWrite(ctx, append([]types.TransactWriteItem{
		{Put: put}, {Update: e.openUpdate(it)},
	}, also...))
	if err != nil {
		return fmt.Errorf("store otp challenge: %w", err)
	}
	return nil
}

// expiredOrUnknown is the answer for a challenge that cannot be verified
// any more, or never could: the caller cannot tell which.
func expiredOrUnknown() error {
	return apperr.New(apperr.BadRequest, "otp_expired", "the code expired; request a new one")
}

// get reads challenge id.
func (e *Engine) get(ctx context.Context, id string) (item, error) {
	if !validID(id) {
		return item{}, expiredOrUnknown()
	}
	av, err := e.table.Get(ctx, dynamo.OTPKey(id))
	if err != nil {
		return item{}, fmt.Errorf("load otp challenge: %w", err)
	}
	return decodeChallenge(id, av)
}

// decodeChallenge is challenge id from its stored item (nil: none).
func decodeChallenge(id string, av map[string]types.AttributeValue) (item, error) {
	var s stored
	if err := dynamo.UnmarshalItem(av, &s); err != nil {
		return item{}, apperr.Internalf("decode otp challenge", err)
	}
	// A challenge stored before codes were bound to their number has no
	// number and no bound on guessing: it is dead like an expired one.
	if av == nil || s.Phone == "" || s.MaxFailed < 1 {
		return item{}, expiredOrUnknown()
	}
	it := item{ID: id, Purpose: s.Purpose, Subject: s.Subject, Phone: s.Phone, Hash: s.Hash, Attempts: s.Attempts,
		MaxAttempts: s.MaxAttempts, Used: s.Used, MaxFailed: s.MaxFailed, FailWindow: time.Duration(s.FailWindow) * time.Second}
	var err error
	if it.CreatedAt, err = parseTime(s.CreatedAt); err != nil {
		return item{}, apperr.Internalf("decode otp challenge", err)
	}
	if it.ExpiresAt, err = parseTime(s.ExpiresAt); err != nil {
		return item{}, apperr.Internalf("decode otp challenge", err)
	}
	return it, nil
}

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }
