package session

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
)

// The answers of a refused refresh (401).
func errInvalidRefresh() error {
	return apperr.New(apperr.Unauthenticated, principal.VerdictUnauthenticated, "the refresh token is not valid: log in again")
}

func errRefreshReused() error {
	return apperr.New(apperr.Unauthenticated, principal.VerdictUnauthenticated,
		"the session was revoked because an old refresh token was reused: log in again")
}

func errRefreshExpired() error {
	return apperr.New(apperr.Unauthenticated, principal.VerdictExpired, "the session has expired: log in again")
}

// Refresh issues a new token pair for the session refreshToken belongs to,
// and retires both old tokens. Its refusals are *apperr.Error of kind
// Unauthenticated: code "session_expired" past the refresh window or the
// absolute lifetime, "unauthenticated" otherwise. Reuse of a rotated
// refresh token, or losing a race with a concurrent refresh of the same
// token, revokes the whole session.
func (s Store) Refresh(ctx context.Context, refreshToken string, lim Limits) (Tokens, error) {
	tok, ok := parseToken(refreshToken)
	if !ok {
		return Tokens{}, errInvalidRefresh()
	}
	st, found, err := s.get(ctx, tok.id)
	if err != nil {
		return Tokens{}, err
	}
	return s.refresh(ctx, tok, st, found, lim)
}

// RefreshAsConfigured is Refresh under the limits the admins configured
// now, read with the session in one BatchGetItem (as the authorizer reads
// them): what the refresh route does, one round trip before its write.
func (s Store) RefreshAsConfigured(ctx context.Context, refreshToken string) (Tokens, error) {
	tok, ok := parseToken(refreshToken)
	if !ok {
		return Tokens{}, errInvalidRefresh()
	}
	key := dynamo.SessionKey(tok.id)
	items, err := dynamo.BatchGet(ctx, s.Table, []dynamo.Key{key, generalKey, securityKey}, dynamo.Projection{})
	if err != nil {
		return Tokens{}, err
	}
	lim, err := limitsFromItems(items[generalKey], items[securityKey])
	if err != nil {
		return Tokens{}, err
	}
	item, found := items[key]
	var st stored
	if found {
		if st, err = decodeStored(tok.id, item); err != nil {
			return Tokens{}, err
		}
	}
	return s.refresh(ctx, tok, st, found, lim)
}

// refresh decides a presented refresh token tok against its session st.
func (s Store) refresh(ctx context.Context, tok token, st stored, found bool, lim Limits) (Tokens, error) {
	switch {
	case !found:
		return Tokens{}, errInvalidRefresh()
	case sameHash(st.rec.RefreshHash, tok.hash):
		return s.rotate(ctx, st, lim)
	case st.wasRotated(tok.hash):
		return Tokens{}, s.revokeReplayed(ctx, st)
	default:
		// Matches nothing: perhaps a guess, which must not end anyone's session.
		return Tokens{}, errInvalidRefresh()
	}
}

// rotate replaces both tokens of st, whose current refresh token was
// presented, unless its refresh window or absolute lifetime has passed.
func (s Store) rotate(ctx context.Context, st stored, lim Limits) (Tokens, error) {
	now := s.Clock.Now()
	if !now.Before(st.refreshExpiry(lim)) {
		// Nothing can revive it but an admin lengthening the limits, which
		// should not bring back a session its client let lapse.
		if err := s.end(ctx, st.id, st.rec.ClientID); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, errRefreshExpired()
	}
	access, refresh := newSecret(), newSecret()
	_, err := s.Table.DB.UpdateItem(ctx, rotation(s.Table.Name, st, now, access, refresh))
	if dynamo.IsConditionFailed(err) {
		// Another refresh with the same token won: one of the two callers
		// holds a copy it should not have.
		return Tokens{}, s.revokeReplayed(ctx, st)
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("rotate session %s: %w", st.id, err)
	}
	next := st
	next.lastSeenAt = now
	return next.tokens(access, refresh, lim), nil
}

// rotation is the UpdateItem that installs the new pair, provided the
// session is still as read (same refresh token, same generation).
func rotation(table string, st stored, now time.Time, access, refresh secret) *dynamodb.UpdateItemInput {
	rotated := make([]types.AttributeValue, 0, keepRotated)
	for _, h := range st.rotatedAfter() {
		rotated = append(rotated, dynamo.S(h))
	}
	return &dynamodb.UpdateItemInput{
		TableName:           aws.String(table),
		Key:                 dynamo.SessionKey(st.id).KeyAttrs(),
		UpdateExpression:    aws.String("SET access_hash = :access, refresh_hash = :refresh, rotated = :rotated, generation = :next, last_seen_at = :now"),
		ConditionExpression: aws.String("refresh_hash = :presented AND generation = :read"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":access":    dynamo.S(access.hash),
			":refresh":   dynamo.S(refresh.hash),
			":rotated":   &types.AttributeValueMemberL{Value: rotated},
			":next":      dynamo.N(st.rec.Generation + 1),
			":now":       dynamo.S(dynamo.Sortable(now)),
			":presented": dynamo.S(st.rec.RefreshHash),
			":read":      dynamo.N(st.rec.Generation),
		},
	}
}

// revokeReplayed ends st after a replayed refresh token and answers why.
func (s Store) revokeReplayed(ctx context.Context, st stored) error {
	if err := s.end(ctx, st.id, st.rec.ClientID); err != nil {
		return err
	}
	return errRefreshReused()
}
