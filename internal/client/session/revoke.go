package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// Revoke ends clientID's session id (logout): one transaction deletes the
// session, on the condition that it is clientID's, with its client entry.
// Ending a session that does not exist, or no longer does, succeeds: the
// caller's aim holds. A session of another client is left alone all the
// same (the caller names its own session: the authorizer admitted it).
func (s Store) Revoke(ctx context.Context, clientID, sessionID string) error {
	err := s.RevokeOwn(ctx, clientID, sessionID)
	if errors.Is(err, ErrNotOwn) {
		return nil
	}
	return err
}

// RevokeOwn ends session id if it is clientID's: a client ending one of its
// own sessions. Another client's session, or none, is ErrNotOwn, so that
// a client learns nothing about other clients' sessions. It reads
// nothing: the session's delete is conditional on its client_id, in one
// transaction with the delete of the client's entry, so that neither goes
// without the other, and of two concurrent ends of one session one ends
// it and the other finds it gone.
func (s Store) RevokeOwn(ctx context.Context, clientID, sessionID string) error {
	if clientID == "" || !validID(sessionID) {
		return ErrNotOwn
	}
	items := s.deletes(sessionID, clientID)
	items[0].Delete.ConditionExpression = aws.String("client_id = :me")
	items[0].Delete.ExpressionAttributeValues = map[string]types.AttributeValue{":me": dynamo.S(clientID)}
	err := s.Table.TransactWrite(ctx, items)
	if slices.Contains(dynamo.FailedConditions(err), 0) {
		return ErrNotOwn
	}
	if err != nil {
		return fmt.Errorf("end session %s: %w", sessionID, err)
	}
	return nil
}

// ErrNotOwn is a session that is not the client's (or does not exist).
var ErrNotOwn = errors.New("not one of the client's sessions")

// RevokeAll ends every session of clientID except the one named except (""
// ends them all): after a password change or reset. The sessions go
// first, then their entries, so that a failure part way leaves at worst
// entries without sessions (which List skips and the next RevokeAll
// deletes), never a session that nothing lists. A session created while it
// runs may survive; a caller that must exclude that gives Create a check on
// what it changed.
func (s Store) RevokeAll(ctx context.Context, clientID, except string) error {
	ids, err := s.sessionIDs(ctx, clientID)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == except })
	sessions, entries := make([]dynamo.Key, len(ids)), make([]dynamo.Key, len(ids))
	for i, id := range ids {
		sessions[i], entries[i] = dynamo.SessionKey(id), dynamo.ClientSessionKey(clientID, id)
	}
	if err := dynamo.BatchDelete(ctx, s.Table, sessions); err != nil {
		return fmt.Errorf("end the sessions of client %s: %w", clientID, err)
	}
	if err := dynamo.BatchDelete(ctx, s.Table, entries); err != nil {
		return fmt.Errorf("end the sessions of client %s: %w", clientID, err)
	}
	return nil
}

// Info describes one session, for a client's list of its sessions.
type Info struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Scope      string    `json:"scope"`
}

// listed is what List reads of each session: never its hashes.
var listed = dynamo.Projection{
	Expr:  "PK, SK, #client, #scope, #created, #seen",
	Names: map[string]string{"#client": "client_id", "#scope": "scope", "#created": "created_at", "#seen": "last_seen_at"},
}

// List returns the sessions of clientID still stored, newest first,
// whether or not the current limits still admit them.
func (s Store) List(ctx context.Context, clientID string) ([]Info, error) {
	ids, err := s.sessionIDs(ctx, clientID)
	if err != nil {
		return nil, err
	}
	keys := make([]dynamo.Key, len(ids))
	for i, id := range ids {
		keys[i] = dynamo.SessionKey(id)
	}
	items, err := dynamo.BatchGet(ctx, s.Table, keys, listed)
	if err != nil {
		return nil, fmt.Errorf("list the sessions of client %s: %w", clientID, err)
	}
	out := make([]Info, 0, len(items))
	for _, id := range ids {
		item, ok := items[dynamo.SessionKey(id)]
		if !ok {
			continue // ended between the two reads
		}
		st, err := decodeStored(id, item)
		if err != nil {
			return nil, err
		}
		if st.rec.ClientID == clientID {
			out = append(out, Info{ID: id, CreatedAt: st.createdAt, LastSeenAt: st.lastSeenAt, Scope: st.rec.Scope})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// sessionIDs reads the ids of clientID's sessions from its client entries.
func (s Store) sessionIDs(ctx context.Context, clientID string) ([]string, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table.Name),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     dynamo.S(dynamo.ClientSessionKey(clientID, "").PK),
			":prefix": dynamo.S(dynamo.SessionPrefix),
		},
		ProjectionExpression: aws.String("SK"),
		ConsistentRead:       aws.Bool(true),
	}
	items, err := s.Table.QueryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("read the sessions of client %s: %w", clientID, err)
	}
	var ids []string
	for _, item := range items {
		if id, ok := strings.CutPrefix(dynamo.KeyOf(item).SK, dynamo.SessionPrefix); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
