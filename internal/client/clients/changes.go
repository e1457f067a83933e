package clients

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Changes a client makes to its own profile. Each is conditional on the
// state it was decided on, so a concurrent change makes it fail
// (ErrChanged) rather than be silently undone.

// SetLanguage sets c's language.
func (s Store) SetLanguage(ctx context.Context, c Client, lang string) error {
	u := s.update(c.ID, "SET #lang = :l", "attribute_exists(PK)", map[string]types.AttributeValue{":l": dynamo.S(lang)})
	u.ExpressionAttributeNames = map[string]string{"#lang": "language"} // a reserved word
	return s.run(ctx, "set language", u)
}

// SetTFA turns c's SMS 2FA on or off. On needs c's confirmed phone to
// still be its phone.
func (s Store) SetTFA(ctx context.Context, c Client, on bool) error {
	cond, vals := "attribute_exists(PK)", map[string]types.AttributeValue{":on": &types.AttributeValueMemberBOOL{Value: on}}
	if on {
		cond = "phone = :p AND phone_confirmation = :c"
		vals[":p"], vals[":c"] = dynamo.S(c.Phone), dynamo.S(Confirmed)
	}
	return s.run(ctx, "set 2fa", s.update(c.ID, "SET tfa_enabled = :on", cond, vals))
}

// SetPhone makes number c's confirmed phone, in one transaction: the
// number is claimed for c (409 phone_taken when another client holds it),
// the profile changes only if its phone is still the one c was read with,
// and c's former number, if any, is released.
func (s Store) SetPhone(ctx context.Context, c Client, number string) error {
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: s.table(), Item: s.claim(dynamo.PhoneKey(number), c.ID).Item,
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR client_id = :me"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":me": dynamo.S(c.ID)}}},
		{Update: s.update(c.ID, "SET phone = :n, phone_confirmation = :c", s.phoneIs(c),
			s.withOld(c, map[string]types.AttributeValue{":n": dynamo.S(number), ":c": dynamo.S(Confirmed)}))},
	}
	if c.Phone != "" && c.Phone != number {
		items = append(items, s.release(c))
	}
	return s.transact(ctx, "set phone", items)
}

// RemovePhone releases c's phone, if it is still the one read and 2FA is
// off (a client with 2FA keeps a phone).
func (s Store) RemovePhone(ctx context.Context, c Client) error {
	return s.transact(ctx, "remove phone", []types.TransactWriteItem{
		{Update: s.update(c.ID, "REMOVE phone SET phone_confirmation = :nr",
			s.phoneIs(c)+" AND tfa_enabled = :false", s.withOld(c, map[string]types.AttributeValue{
				":nr": dynamo.S(NotRequired), ":false": &types.AttributeValueMemberBOOL{Value: false}}))},
		s.release(c),
	})
}

// phoneIs is the condition that c's phone is still the one it was read
// with (":old", see withOld).
func (s Store) phoneIs(c Client) string {
	if c.Phone == "" {
		return "attribute_not_exists(phone)"
	}
	return "phone = :old"
}

// withOld adds ":old", c's phone, to vals when phoneIs uses it.
func (s Store) withOld(c Client, vals map[string]types.AttributeValue) map[string]types.AttributeValue {
	if c.Phone != "" {
		vals[":old"] = dynamo.S(c.Phone)
	}
	return vals
}

// release deletes c's claim of its phone (only if it is c's).
func (s Store) release(c Client) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: s.table(), Key: dynamo.PhoneKey(c.Phone).KeyAttrs(),
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR client_id = :me"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":me": dynamo.S(c.ID)}}}
}

// transact runs a change whose first item claims something (its failure
// is 409 phone_taken) and whose second is the profile's update (its
// failure is ErrChanged).
func (s Store) transact(ctx context.Context, op string, items []types.TransactWriteItem) error {
	err := s.Table.TransactWrite(ctx, items)
	failed := dynamo.FailedConditions(err)
	switch {
	case err == nil:
		return nil
	case slices.Contains(failed, 0) && op == "set phone":
		return PhoneTaken()
	case len(failed) > 0:
		return ErrChanged
	}
	return fmt.Errorf("%s: %w", op, err)
}

// PendingEmailUpdate records that c asked to change its address to email,
// confirmed by the token whose hash is tokenHash, if c's address is still
// the one read; an earlier request's link stops working. A transaction
// item, written with the token it names (kit.SendLink).
func (s Store) PendingEmailUpdate(c Client, email, tokenHash string) *types.Update {
	return s.update(c.ID, "SET pending_email = :e, pending_email_token = :t",
		"email = :cur", map[string]types.AttributeValue{":e": dynamo.S(email), ":t": dynamo.S(tokenHash), ":cur": dynamo.S(c.Email)})
}

// EmailChanged is c as ChangeEmailItems leave it: its pending address is
// its confirmed address.
func (c Client) EmailChanged() Client {
	c.Email, c.EmailState, c.PendingEmail, c.PendingEmailToken = c.PendingEmail, Confirmed, "", ""
	return c
}

// ChangeEmailItems are the transaction items that make c's pending address
// its address, for the token whose hash is tokenHash: the new address is
// claimed (failing when another client took it meanwhile: item 0), the
// profile changes if the request is still the pending one (item 1), and
// the old address is released (item 2).
func (s Store) ChangeEmailItems(c Client, tokenHash string) ([]types.TransactWriteItem, error) {
	if c.PendingEmail == "" {
		return nil, apperr.New(apperr.Conflict, "no_pending_email", "there is no address change to confirm")
	}
	return []types.TransactWriteItem{
		{Put: s.claim(dynamo.EmailKey(c.PendingEmail), c.ID)},
		{Update: s.update(c.ID, "SET email = :new, email_confirmation = :c REMOVE pending_email, pending_email_token",
			"email = :old AND pending_email = :new AND pending_email_token = :t", map[string]types.AttributeValue{
				":new": dynamo.S(c.PendingEmail), ":old": dynamo.S(c.Email), ":c": dynamo.S(Confirmed), ":t": dynamo.S(tokenHash)})},
		{Delete: &types.Delete{TableName: s.table(), Key: dynamo.EmailKey(c.Email).KeyAttrs(),
			ConditionExpression:       aws.String("client_id = :me"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":me": dynamo.S(c.ID)}}},
	}, nil
}
