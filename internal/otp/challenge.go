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
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

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

func sortable(t time.Time) string { return t.UTC().Format(dynamo.SortableTime) }
