package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
)

// Store creates, refreshes and ends sessions: what the auth and
// self-service functions use.
type Store struct {
	Table dynamo.Table
	Clock clock.Clock
}

// Tokens is a newly issued token pair, as the API answers it ("session").
// The expiry times are those in force when issued: an admin may shorten
// them later, and a request sliding the session moves them on.
type Tokens struct {
	Token            string    `json:"token"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	Scope            string    `json:"scope"`
	SessionID        string    `json:"-"` // for logs and for "every session but this one"
}

// ErrChecksFailed is the failure of one of the checks a caller gave Create:
// no session was created.
var ErrChecksFailed = errors.New("a condition of the session's creation failed")

// ChecksFailedError says which of the caller's checks failed (indexes into
// the checks given to Create). errors.Is(err, ErrChecksFailed) holds.
type ChecksFailedError struct{ Indexes []int }

func (e *ChecksFailedError) Error() string {
	return fmt.Sprintf("create session: checks %v failed", e.Indexes)
}

// Is makes errors.Is(err, ErrChecksFailed) true.
func (e *ChecksFailedError) Is(target error) bool { return target == ErrChecksFailed }

// ownItems is how many items of Create's transaction are its own (the
// session and its client entry), before the caller's checks.
const ownItems = 2

// Create starts a session of clientID with scope (principal.ScopeFull or
// principal.ScopeTFASetup) in one TransactWriteItems with the caller's
// checks (a ConditionCheck that the credentials just checked did not change
// meanwhile, say; a missing TableName is filled in), so that the session
// exists only if they all hold.
func (s Store) Create(ctx context.Context, clientID, scope string, lim Limits, checks ...types.TransactWriteItem) (Tokens, error) {
	p, err := s.Prepare(clientID, scope, lim)
	if err != nil {
		return Tokens{}, err
	}
	items := p.Items
	for _, c := range checks {
		items = append(items, inTable(c, s.Table.Name))
	}
	if err := s.Table.TransactWrite(ctx, items); err != nil {
		return Tokens{}, createFailed(err)
	}
	return p.Tokens, nil
}

// Prepared is a session ready to be written: its items, for a transaction
// that creates it together with what it belongs to (a sign-up's client),
// and the tokens it answers once that transaction succeeded.
type Prepared struct {
	Items  []types.TransactWriteItem
	Tokens Tokens
}

// Prepare makes a session of clientID with scope, for the caller's own
// transaction: the session exists exactly when that transaction succeeds.
func (s Store) Prepare(clientID, scope string, lim Limits) (Prepared, error) {
	if clientID == "" || !validScope(scope) {
		return Prepared{}, fmt.Errorf("create session: invalid client id %q or scope %q", clientID, scope)
	}
	now := s.Clock.Now()
	id, access, refresh := newID(), newSecret(), newSecret()
	rec := newRecord(clientID, scope, now, access, refresh)
	sessionItem, entryItem, err := rec.items(id)
	if err != nil {
		return Prepared{}, fmt.Errorf("create session: %w", err)
	}
	st := stored{id: id, rec: rec, createdAt: now, lastSeenAt: now}
	return Prepared{
		Items: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(s.Table.Name), Item: sessionItem,
				ConditionExpression: aws.String("attribute_not_exists(PK)")}},
			{Put: &types.Put{TableName: aws.String(s.Table.Name), Item: entryItem}},
		},
		Tokens: st.tokens(access, refresh, lim),
	}, nil
}

// createFailed tells a failure of the caller's checks from any other.
func createFailed(err error) error {
	var mine []int
	for _, i := range dynamo.FailedConditions(err) {
		if i >= ownItems {
			mine = append(mine, i-ownItems)
		}
	}
	if len(mine) > 0 {
		return &ChecksFailedError{Indexes: mine}
	}
	return fmt.Errorf("create session: %w", err)
}

// inTable returns it with TableName set where the caller left it out.
func inTable(it types.TransactWriteItem, table string) types.TransactWriteItem {
	set := func(p **string) {
		if *p == nil {
			*p = aws.String(table)
		}
	}
	switch {
	case it.ConditionCheck != nil:
		c := *it.ConditionCheck
		set(&c.TableName)
		it.ConditionCheck = &c
	case it.Put != nil:
		c := *it.Put
		set(&c.TableName)
		it.Put = &c
	case it.Update != nil:
		c := *it.Update
		set(&c.TableName)
		it.Update = &c
	case it.Delete != nil:
		c := *it.Delete
		set(&c.TableName)
		it.Delete = &c
	}
	return it
}

// tokens is the pair just issued for s, with the expiry times lim gives.
func (s stored) tokens(access, refresh secret, lim Limits) Tokens {
	return Tokens{
		Token:            tokenOf(s.id, access),
		ExpiresAt:        s.accessExpiry(lim),
		RefreshToken:     tokenOf(s.id, refresh),
		RefreshExpiresAt: s.refreshExpiry(lim),
		Scope:            s.rec.Scope,
		SessionID:        s.id,
	}
}

// get reads session id (strongly consistent); found is false when it does
// not exist.
func (s Store) get(ctx context.Context, id string) (st stored, found bool, err error) {
	item, err := s.Table.Get(ctx, dynamo.SessionKey(id))
	if err != nil {
		return stored{}, false, fmt.Errorf("read session %s: %w", id, err)
	}
	if item == nil {
		return stored{}, false, nil
	}
	st, err = decodeStored(id, item)
	return st, err == nil, err
}

// deletes are the deletions of session id and its client entry.
func (s Store) deletes(id, clientID string) []types.TransactWriteItem {
	del := func(k dynamo.Key) types.TransactWriteItem {
		return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table.Name), Key: k.KeyAttrs()}}
	}
	return []types.TransactWriteItem{del(dynamo.SessionKey(id)), del(dynamo.ClientSessionKey(clientID, id))}
}

// end deletes session id of clientID with its client entry.
func (s Store) end(ctx context.Context, id, clientID string) error {
	if err := s.Table.TransactWrite(ctx, s.deletes(id, clientID)); err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	return nil
}
