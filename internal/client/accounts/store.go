package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/client/clients"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// store reads and writes accounts, which live in their client's partition
// next to its profile. The profile counts them (account_count,
// live_accounts); every write that adds or removes an account changes the
// counters in the same transaction, so they are always exact and
// max_accounts can be held against them by a condition.
type store struct {
	table dynamo.Table
}

func (s store) name() *string { return aws.String(s.table.Name) }

// errChanged is a write whose conditions failed because the profile
// changed since it was read (or a concurrent transaction kept colliding):
// read again, decide again.
var errChanged = errors.New("the client changed meanwhile")

// errNoAccount is an account that does not exist.
var errNoAccount = errors.New("no such account")

// list returns clientID's accounts, oldest first.
func (s store) list(ctx context.Context, clientID string) ([]Account, error) {
	in := &dynamodb.QueryInput{
		TableName:              s.name(),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(dynamo.ClientKey(clientID).PK), ":prefix": dynamo.S(dynamo.AccountPrefix),
		},
		ConsistentRead: aws.Bool(true),
	}
	items, err := s.table.QueryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	out := []Account{} // never null in JSON
	for _, item := range items {
		var a Account
		if err := dynamo.UnmarshalItem(item, &a); err != nil {
			return nil, apperr.Internalf("decode account", err)
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Account) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// get returns one account of clientID, or errNoAccount.
func (s store) get(ctx context.Context, clientID, accountID string) (Account, error) {
	item, err := s.table.Get(ctx, dynamo.AccountKey(clientID, accountID))
	if err != nil {
		return Account{}, fmt.Errorf("read account: %w", err)
	}
	if item == nil {
		return Account{}, errNoAccount
	}
	var a Account
	if err := dynamo.UnmarshalItem(item, &a); err != nil {
		return Account{}, apperr.Internalf("decode account", err)
	}
	return a, nil
}

// clientAndAccount reads clientID's profile and its account accountID
// with one strongly consistent BatchGetItem (the two reads are
// independent). A missing profile is clients.ErrNotFound, whatever the
// account; a missing account errNoAccount.
func (s store) clientAndAccount(ctx context.Context, clientID, accountID string) (clients.Client, Account, error) {
	profile, account := dynamo.ClientKey(clientID), dynamo.AccountKey(clientID, accountID)
	items, err := dynamo.BatchGet(ctx, s.table, []dynamo.Key{profile, account}, dynamo.Projection{})
	if err != nil {
		return clients.Client{}, Account{}, fmt.Errorf("read client and account: %w", err)
	}
	var c clients.Client
	if items[profile] == nil {
		return c, Account{}, clients.ErrNotFound
	}
	if err := dynamo.UnmarshalItem(items[profile], &c); err != nil {
		return c, Account{}, apperr.Internalf("decode client", err)
	}
	if items[account] == nil {
		return c, Account{}, errNoAccount
	}
	var a Account
	if err := dynamo.UnmarshalItem(items[account], &a); err != nil {
		return c, Account{}, apperr.Internalf("decode account", err)
	}
	return c, a, nil
}

// item is a as stored.
func (a Account) item() (map[string]types.AttributeValue, error) {
	key := dynamo.AccountKey(a.ClientID, a.ID)
	item, err := dynamo.MarshalItem(a, map[string]types.AttributeValue{
		"PK": dynamo.S(key.PK), "SK": dynamo.S(key.SK), "type": dynamo.S(dynamo.TypeAccount),
	})
	if err != nil {
		return nil, apperr.Internalf("encode account", err)
	}
	return item, nil
}

// expr builds one condition or update expression with its names and
// values, so that only what an expression uses is sent (DynamoDB refuses
// unused names and values).
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
}

func newExpr() *expr {
	return &expr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// name returns the placeholder of attribute attr (#attr); every attribute
// goes through one, since some (level, status) are reserved words.
func (e *expr) name(attr string) string {
	e.names["#"+attr] = attr
	return "#" + attr
}

// value binds placeholder (":x") to v and returns it.
func (e *expr) value(placeholder string, v types.AttributeValue) string {
	e.values[placeholder] = v
	return placeholder
}

// sameAs is the condition that attr still holds v as read: an attribute
// read as "" is absent or empty.
func (e *expr) sameAs(attr, v string) string {
	n := e.name(attr)
	if v == "" {
		return fmt.Sprintf("(attribute_not_exists(%s) OR %s = %s)", n, n, e.value(":empty", dynamo.S("")))
	}
	return n + " = " + e.value(":"+attr, dynamo.S(v))
}

// below is the condition that counter attr, absent meaning 0, is below
// limit (bound to placeholder).
func (e *expr) below(attr string, limit int64, placeholder string) string {
	n := e.name(attr)
	return fmt.Sprintf("(attribute_not_exists(%s) OR %s < %s)", n, n, e.value(placeholder, dynamo.N(limit)))
}

// Profile attributes the rules are decided on.
const (
	attrAccountCount = "account_count"
	attrLiveAccounts = "live_accounts"
	attrEmailState   = "email_confirmation"
	attrPhoneState   = "phone_confirmation"
	attrLevel        = "level"
	attrStatus       = "verification_status"
)

// counted is the profile update that counts a's opening (delta 1) or its
// undoing (-1): account_count, and live_accounts for a live account.
func (e *expr) counted(a Account, delta int64) string {
	d := e.value(":delta", dynamo.N(delta))
	update := "ADD " + e.name(attrAccountCount) + " " + d
	if a.Kind == Live {
		update += ", " + e.name(attrLiveAccounts) + " " + d
	}
	return update
}

// open writes a for c in one transaction: the account (a new item) and
// the profile's counters, under the conditions that the profile still
// holds what the rules were decided on (confirmation states, level,
// status), that max_accounts (limit, 0: none) is not reached and, for the
// signup account, that c has no live account. A failed condition is
// errChanged.
func (s store) open(ctx context.Context, c clients.Client, a Account, limit int, signup bool) error {
	item, err := a.item()
	if err != nil {
		return err
	}
	e := newExpr()
	conds := []string{"attribute_exists(PK)",
		e.sameAs(attrEmailState, c.EmailState), e.sameAs(attrPhoneState, c.PhoneState),
		e.sameAs(attrLevel, c.Level), e.sameAs(attrStatus, c.Status)}
	if limit > 0 {
		conds = append(conds, e.below(attrAccountCount, int64(limit), ":max"))
	}
	if signup { // live_accounts = 0
		conds = append(conds, e.below(attrLiveAccounts, 1, ":one"))
	}
	update := e.counted(a, 1)
	err = s.table.TransactWrite(ctx, []types.TransactWriteItem{
		{Put: &types.Put{TableName: s.name(), Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{TableName: s.name(), Key: dynamo.ClientKey(c.ID).KeyAttrs(),
			UpdateExpression: aws.String(update), ConditionExpression: aws.String(strings.Join(conds, " AND ")),
			ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.values}},
	})
	switch {
	case err == nil:
		return nil
	case slices.Contains(dynamo.FailedConditions(err), 0): // 128 random bits: never
		return apperr.Internalf("open account", fmt.Errorf("account id %s exists", a.ID))
	case dynamo.IsConditionFailed(err), dynamo.IsTransactionConflict(err):
		return errChanged
	}
	return fmt.Errorf("open account: %w", err)
}

// undoOpen takes back the opening of a (its letter could not be sent):
// the account is deleted and the counters go down in one transaction, if
// the account is still there as opened.
func (s store) undoOpen(ctx context.Context, a Account) error {
	e := newExpr()
	update := e.counted(a, -1)
	cond := newExpr()
	err := s.table.TransactWrite(ctx, []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: s.name(), Key: dynamo.AccountKey(a.ClientID, a.ID).KeyAttrs(),
			ConditionExpression:      aws.String("attribute_exists(PK) AND " + cond.sameAs("status", a.Status)),
			ExpressionAttributeNames: cond.names, ExpressionAttributeValues: cond.values}},
		{Update: &types.Update{TableName: s.name(), Key: dynamo.ClientKey(a.ClientID).KeyAttrs(),
			UpdateExpression: aws.String(update), ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.values}},
	})
	if err != nil {
		return fmt.Errorf("undo opening account %s: %w", a.ID, err)
	}
	return nil
}

// statusChange is the transaction item (with failed, the answer to its
// failure) that moves account a from a's status to to's (status and
// activated_at), under the condition that a is still as read: its status,
// and its activation time when it has one. So an activation happens once
// however many race, and an undo takes back only the activation it made.
func statusChange(a, to Account, failed error) (admindoc.Check, error) {
	e := newExpr()
	cond := "attribute_exists(PK) AND " + e.sameAs("status", a.Status)
	if a.ActivatedAt != nil {
		at, err := attributevalue.Marshal(*a.ActivatedAt)
		if err != nil {
			return admindoc.Check{}, apperr.Internalf("encode activation time", err)
		}
		cond += " AND " + e.name("activated_at") + " = " + e.value(":was", at)
	}
	update := "SET " + e.name("status") + " = " + e.value(":to", dynamo.S(to.Status))
	if to.ActivatedAt != nil {
		at, err := attributevalue.Marshal(*to.ActivatedAt)
		if err != nil {
			return admindoc.Check{}, apperr.Internalf("encode activation time", err)
		}
		update += ", " + e.name("activated_at") + " = " + e.value(":at", at)
	} else {
		update += " REMOVE " + e.name("activated_at")
	}
	return admindoc.Check{Err: failed, Item: types.TransactWriteItem{Update: &types.Update{
		Key:              dynamo.AccountKey(a.ClientID, a.ID).KeyAttrs(),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.values}}}, nil
}
