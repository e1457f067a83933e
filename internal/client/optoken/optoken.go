// Package optoken makes single-use operation tokens. A token says that a
// client proved a second factor for one operation (a withdrawal, a
// transfer...), or that none was required; the service that executes the
// operation redeems it, exactly once, and only for that client and that
// operation.
//
// A token is 256 random bits (base64url); only its SHA-256 is stored
// (OPTOKEN#<hash>), so a read of the table yields nothing to redeem. A
// redemption is one conditional UpdateItem that marks the token used: two
// concurrent redemptions cannot both win, and a refusal is decided from
// the item the failed condition returns, without a second read that could
// disagree with it.
package optoken

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/secrettoken"
)

// TTL is how long a token may wait for its redemption: long enough for a
// client to confirm a form, short enough that a leaked one soon is useless.
const TTL = 5 * time.Minute

// keepAfterExpiry is how long an expired or used token's item stays before
// DynamoDB's TTL deletes it, so that a late redemption is still answered
// token_used or token_expired, which tell a service what happened, rather
// than token_not_found.
const keepAfterExpiry = 24 * time.Hour

var errNoClient = errors.New("no client id")

// Store issues and redeems operation tokens.
type Store struct {
	Table dynamo.Table
	Clock clock.Clock
}

// Token is an issued token, as the client receives it.
type Token struct {
	Token     string    `json:"operation_token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// record is a token's item. Times are dynamo.SortableTime strings, so that
// the redemption's condition compares them as text.
type record struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"type"`
	ClientID  string `dynamodbav:"client_id"`
	Operation string `dynamodbav:"operation"`
	CreatedAt string `dynamodbav:"created_at"`
	ExpiresAt string `dynamodbav:"expires_at"`
	Used      bool   `dynamodbav:"used"`
	UsedAt    string `dynamodbav:"used_at,omitempty"`
	TTL       int64  `dynamodbav:"ttl"`
}

// Issue stores a new token for clientID's operation and returns it.
func (s Store) Issue(ctx context.Context, clientID, operation string) (Token, error) {
	if err := ValidateOperation(operation); err != nil {
		return Token{}, err
	}
	if clientID == "" { // callers pass the session's client: empty is a bug
		return Token{}, apperr.Internalf("issue operation token", errNoClient)
	}
	token := secrettoken.New()
	now := s.Clock.Now().UTC()
	t := Token{Token: token, ExpiresAt: now.Add(TTL)}
	key := dynamo.OperationTokenKey(secrettoken.Hash(token))
	item, err := dynamo.MarshalItem(record{
		PK: key.PK, SK: key.SK, Type: dynamo.TypeOperationToken,
		ClientID: clientID, Operation: operation,
		CreatedAt: dynamo.Sortable(now), ExpiresAt: dynamo.Sortable(t.ExpiresAt),
		TTL: t.ExpiresAt.Add(keepAfterExpiry).Unix(),
	}, nil)
	if err != nil {
		return Token{}, apperr.Internalf("encode operation token", err)
	}
	// The condition only guards against a collision of 256 random bits:
	// were one ever to happen, it must fail rather than rebind a token.
	_, err = s.Table.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table.Name), Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if err != nil {
		return Token{}, apperr.Internalf("store operation token", err)
	}
	return t, nil
}
