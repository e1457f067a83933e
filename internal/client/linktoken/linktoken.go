// Package linktoken makes the single-use tokens that go out by email: the
// link that confirms an address, the link that resets a password. A token
// is 256 random bits (base64url); only its SHA-256 is stored
// (TOKEN#<hash>), with its purpose, client, the address it was sent to,
// the client's credentials version when it was issued and its expiry. It
// is consumed by a conditional Delete inside the transaction that does
// what it proves, so it works once, even under concurrent use, and never
// after it expired (whether or not TTL deleted it yet).
package linktoken

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/secrettoken"
)

// Purposes of tokens: a token works only for its own.
const (
	ConfirmEmail  = "confirm_email" // the address given at sign-up
	ChangeEmail   = "change_email"  // a new address a client asked to change to
	PasswordReset = "password_reset"
)

// Token is a stored token's record.
type Token struct {
	Hash               string    `dynamodbav:"-"`
	Purpose            string    `dynamodbav:"purpose"`
	ClientID           string    `dynamodbav:"client_id"`
	Email              string    `dynamodbav:"email"`
	CredentialsVersion int64     `dynamodbav:"credentials_version"`
	ExpiresAt          time.Time `dynamodbav:"expires_at"`
}

// Store issues and reads tokens.
type Store struct {
	Table dynamo.Table
	Clock clock.Clock
}

// Hash is the stored form of token.
func Hash(token string) string { return secrettoken.Hash(token) }

// Issue stores a new token for t (its Hash and ExpiresAt are set here, from
// ttl) and returns the token to send, with the stored record.
func (s Store) Issue(ctx context.Context, t Token, ttl time.Duration) (string, Token, error) {
	token, t, put, err := s.Prepare(t, ttl)
	if err != nil {
		return "", Token{}, err
	}
	_, err = s.Table.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item,
		ConditionExpression: put.ConditionExpression})
	if err != nil {
		return "", Token{}, fmt.Errorf("store %s token: %w", t.Purpose, err)
	}
	return token, t, nil
}

// Prepare makes a new token for t (its Hash and ExpiresAt are set here,
// from ttl) without storing it: it returns the token to send, the record,
// and the Put that stores it (only if no token has its hash), for a
// transaction that writes it together with what records its hash. The
// token exists exactly when that transaction succeeds.
func (s Store) Prepare(t Token, ttl time.Duration) (string, Token, *types.Put, error) {
	token := secrettoken.New()
	t.Hash, t.ExpiresAt = Hash(token), s.Clock.Now().Add(ttl).UTC()
	key := dynamo.TokenKey(t.Hash)
	item, err := dynamo.MarshalItem(t, map[string]types.AttributeValue{
		"PK": dynamo.S(key.PK), "SK": dynamo.S(key.SK), "type": dynamo.S(dynamo.TypeToken),
		"expires_at": dynamo.S(dynamo.Sortable(t.ExpiresAt)), "ttl": dynamo.N(t.ExpiresAt.Add(time.Hour).Unix()),
	})
	if err != nil {
		return "", Token{}, nil, apperr.Internalf("encode token", err)
	}
	return token, t, &types.Put{TableName: aws.String(s.Table.Name), Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}, nil
}

// Invalid is the one answer for a token that is unknown, used, expired or
// of another purpose: the caller cannot tell which.
func Invalid() error {
	return apperr.New(apperr.BadRequest, "token_invalid", "the link is invalid or has expired; ask for a new one")
}

// Peek returns the live token if it is of one of purposes, without
// consuming it.
func (s Store) Peek(ctx context.Context, token string, purposes ...string) (Token, error) {
	if !secrettoken.WellFormed(token) {
		return Token{}, Invalid()
	}
	hash := Hash(token)
	av, err := s.Table.Get(ctx, dynamo.TokenKey(hash))
	if err != nil {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	if av == nil {
		return Token{}, Invalid()
	}
	var t Token // expires_at, stored fixed-width for the conditions, is RFC 3339 all the same
	if err := dynamo.UnmarshalItem(av, &t); err != nil {
		return Token{}, apperr.Internalf("decode token", err)
	}
	t.Hash = hash
	if !slices.Contains(purposes, t.Purpose) || !s.Clock.Now().Before(t.ExpiresAt) {
		return Token{}, Invalid()
	}
	return t, nil
}

// Consume is the transaction item that uses t up: it deletes the token if
// it still exists, for its purpose, unexpired.
func (s Store) Consume(t Token) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(s.Table.Name), Key: dynamo.TokenKey(t.Hash).KeyAttrs(),
		ConditionExpression: aws.String("purpose = :p AND expires_at > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": dynamo.S(t.Purpose), ":now": dynamo.S(dynamo.Sortable(s.Clock.Now())),
		},
	}}
}
