package session

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// slideDue reports whether an admitted request at now should move the
// session's last_seen_at: once a minute at most, or after half the idle
// timeout when that is shorter, so a session in use never expires.
func slideDue(st stored, now time.Time, lim Limits) bool {
	return now.Sub(st.lastSeenAt) >= min(time.Minute, lim.Idle/2)
}

// slide records that st's client was active at now, on the session and on
// the client's profile, in one transaction. Of concurrent requests one
// writes; the others find last_seen_at changed and write nothing.
// Failures are logged, never answered: the request was valid.
func (a Authorizer) slide(ctx context.Context, st stored, now time.Time) {
	at := dynamo.S(dynamo.Sortable(now))
	table := aws.String(a.Table.Name)
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: table, Key: dynamo.SessionKey(st.id).KeyAttrs(),
			UpdateExpression:          aws.String("SET last_seen_at = :now"),
			ConditionExpression:       aws.String("last_seen_at = :read"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": at, ":read": dynamo.S(st.rec.LastSeenAt)},
		}},
		{Update: &types.Update{
			TableName: table, Key: dynamo.ClientKey(st.rec.ClientID).KeyAttrs(),
			UpdateExpression:          aws.String("SET last_seen_at = :now"),
			ConditionExpression:       aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": at},
		}},
	}
	err := a.Table.TransactWrite(ctx, items)
	switch {
	case err == nil:
	case slices.Contains(dynamo.FailedConditions(err), 1):
		// No profile: the session outlived its client. Without a slide it
		// ends at its idle timeout.
		slog.WarnContext(ctx, "session authorizer: the session's client has no profile", "session_id", st.id, "subject", st.rec.ClientID)
	case dynamo.IsConditionFailed(err):
		// A concurrent request of the session moved it on already.
	default:
		slog.WarnContext(ctx, "session authorizer: cannot record the session's activity", "session_id", st.id, "error", err.Error())
	}
}
