package session

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

const (
	// retention is how long items are kept (ttl): one hour more than the
	// longest absolute lifetime an admin may set, since limits apply at
	// request time and may be lengthened while a session lives.
	retention = 721 * time.Hour
	// keepRotated is how many earlier refresh hashes a session remembers
	// to recognise a replay.
	keepRotated = 50
)

// record is a session item's attributes, as stored.
type record struct {
	Type        string   `dynamodbav:"type"`
	ClientID    string   `dynamodbav:"client_id"`
	Scope       string   `dynamodbav:"scope"`
	CreatedAt   string   `dynamodbav:"created_at"`
	LastSeenAt  string   `dynamodbav:"last_seen_at"`
	AccessHash  string   `dynamodbav:"access_hash"`
	RefreshHash string   `dynamodbav:"refresh_hash"`
	Rotated     []string `dynamodbav:"rotated"`
	Generation  int64    `dynamodbav:"generation"`
	TTL         int64    `dynamodbav:"ttl"`
}

// entry is a session's entry in its client's partition.
type entry struct {
	Type      string `dynamodbav:"type"`
	CreatedAt string `dynamodbav:"created_at"`
	TTL       int64  `dynamodbav:"ttl"`
}

// stored is a session as read: the record with its times parsed.
type stored struct {
	id         string
	rec        record
	createdAt  time.Time
	lastSeenAt time.Time
}

// ttlOf is the ttl of a session created at created.
func ttlOf(created time.Time) int64 { return created.Add(retention).Unix() }

// newRecord is a new session's record.
func newRecord(clientID, scope string, now time.Time, access, refresh secret) record {
	at := dynamo.Sortable(now)
	return record{
		Type: dynamo.TypeSession, ClientID: clientID, Scope: scope,
		CreatedAt: at, LastSeenAt: at,
		AccessHash: access.hash, RefreshHash: refresh.hash,
		Rotated: []string{}, TTL: ttlOf(now),
	}
}

// items returns the session's item and its client entry.
func (r record) items(id string) (session, clientEntry map[string]types.AttributeValue, err error) {
	if session, err = dynamo.MarshalItem(r, dynamo.SessionKey(id).KeyAttrs()); err != nil {
		return nil, nil, err
	}
	e := entry{Type: dynamo.TypeClientSession, CreatedAt: r.CreatedAt, TTL: r.TTL}
	if clientEntry, err = dynamo.MarshalItem(e, dynamo.ClientSessionKey(r.ClientID, id).KeyAttrs()); err != nil {
		return nil, nil, err
	}
	return session, clientEntry, nil
}

// decodeStored reads session id's item.
func decodeStored(id string, item map[string]types.AttributeValue) (stored, error) {
	s := stored{id: id}
	if err := dynamo.UnmarshalItem(item, &s.rec); err != nil {
		return s, fmt.Errorf("decode session %s: %w", id, err)
	}
	var errC, errL error
	s.createdAt, errC = time.Parse(time.RFC3339Nano, s.rec.CreatedAt)
	s.lastSeenAt, errL = time.Parse(time.RFC3339Nano, s.rec.LastSeenAt)
	if errC != nil || errL != nil || s.rec.ClientID == "" {
		return s, fmt.Errorf("decode session %s: missing or malformed client_id, created_at or last_seen_at", id)
	}
	return s, nil
}

// accessExpiry is when the session's access token stops working, under lim.
func (s stored) accessExpiry(lim Limits) time.Time {
	return earliest(s.lastSeenAt.Add(lim.Idle), s.createdAt.Add(lim.Absolute))
}

// refreshExpiry is when the session's refresh token stops working.
func (s stored) refreshExpiry(lim Limits) time.Time {
	return earliest(s.lastSeenAt.Add(lim.Refresh), s.createdAt.Add(lim.Absolute))
}

// wasRotated reports whether hash is one of the session's earlier refresh
// tokens. Every entry is compared, so the time taken does not say which.
func (s stored) wasRotated(hash string) bool {
	found := false
	for _, h := range s.rec.Rotated {
		found = sameHash(h, hash) || found
	}
	return found
}

// rotatedAfter is the rotated list once the current refresh hash joins it.
func (s stored) rotatedAfter() []string {
	r := append(append([]string{}, s.rec.Rotated...), s.rec.RefreshHash)
	return r[max(0, len(r)-keepRotated):]
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
