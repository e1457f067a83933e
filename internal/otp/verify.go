package otp

import (
	"context"
	"crypto/hmac"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

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
