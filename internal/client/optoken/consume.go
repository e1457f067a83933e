package optoken

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/secrettoken"
)

// The codes of a redemption's refusals.
const (
	CodeNotFound = "token_not_found" // 404: unknown, malformed, or another client's or operation's
	CodeUsed     = "token_used"      // 409
	CodeExpired  = "token_expired"   // 410
)

func notFound() error {
	return apperr.New(apperr.NotFound, CodeNotFound, "no such operation token for this client and operation")
}

func used() error {
	return apperr.New(apperr.Conflict, CodeUsed, "the operation token has already been used")
}

func expired() error {
	return apperr.New(apperr.Gone, CodeExpired, "the operation token has expired; the client must ask for a new one")
}

// Consume redeems token for clientID and operation, once.
func (s Store) Consume(ctx context.Context, token, clientID, operation string) error {
	_, err := s.redeem(ctx, token, clientID, operation)
	return err
}

// redeem is Consume, returning when the token was used.
func (s Store) redeem(ctx context.Context, token, clientID, operation string) (time.Time, error) {
	if err := ValidateOperation(operation); err != nil {
		return time.Time{}, err
	}
	if !secrettoken.WellFormed(token) || clientID == "" {
		return time.Time{}, notFound() // nothing to read: no issued token looks like that
	}
	now := s.Clock.Now().UTC()
	_, err := s.Table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.Table.Name),
		Key:              dynamo.OperationTokenKey(secrettoken.Hash(token)).KeyAttrs(),
		UpdateExpression: aws.String("SET used = :true, used_at = :now"),
		ConditionExpression: aws.String("attribute_exists(PK) AND used = :false" +
			" AND client_id = :c AND operation = :o AND expires_at > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":true": &types.AttributeValueMemberBOOL{Value: true}, ":false": &types.AttributeValueMemberBOOL{Value: false},
			":c": dynamo.S(clientID), ":o": dynamo.S(operation), ":now": dynamo.S(dynamo.Sortable(now)),
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return now, nil
	case errors.As(err, &failed):
		return time.Time{}, refusal(failed.Item, clientID, operation, now)
	default:
		return time.Time{}, apperr.Internalf("consume operation token", err)
	}
}

// refusal tells why the redemption's condition failed, from the item as it
// was when it failed (nil when there was none).
//
// The binding is checked before anything else: a token of another client
// or operation is answered exactly like an unknown one, whatever its
// state, so that a caller who holds someone else's token learns nothing
// about it (not even whether it was used, or when it expires) and cannot
// tell it from a token that never existed. Only the rightful caller learns
// more. For it, used comes before expired: a token that was redeemed and
// has since expired was redeemed, and a second redemption (a replayed
// request, a retry that lost its answer) is what the service must hear
// about; token_expired is left for a token that was never used, which the
// client may ask again for.
func refusal(item map[string]types.AttributeValue, clientID, operation string, now time.Time) error {
	if len(item) == 0 {
		return notFound()
	}
	var r record
	if err := dynamo.UnmarshalItem(item, &r); err != nil {
		return apperr.Internalf("decode operation token", err)
	}
	switch {
	case r.ClientID != clientID || r.Operation != operation:
		return notFound()
	case r.Used:
		return used()
	case r.ExpiresAt <= dynamo.Sortable(now):
		return expired()
	default: // the condition failed on an item that meets it: a malformed item
		return apperr.Internalf("consume operation token", errors.New("the condition failed on an unused, live token of this client and operation"))
	}
}
