package admindoc

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Reading the trail back: a page at a time, or one entry by its id. An
// entry's id is its position in the trail (its section and sort key,
// base64url-encoded), so that it finds the entry with one GetItem. A page's
// cursor is the service's page cursor (dynamo.EncodeCursor): bound to the
// section's partition, so it cannot page another section. Clients treat
// both as opaque.

// position is where an audit entry is: its section and sort key.
type position struct{ section, sk string }

// maxPosition bounds the ids and cursors decoded at all; real ones are
// under 200 bytes.
const maxPosition = 512

func (p position) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(p.section + "#" + p.sk))
}

func (p position) key() dynamo.Key {
	return dynamo.Key{PK: dynamo.AuditPartition(p.section), SK: p.sk}
}

// parsePosition reads an id or cursor. Only the exact encoding of a
// well-formed position is one: what the service itself hands out.
func parsePosition(s string) (position, bool) {
	if len(s) > maxPosition {
		return position{}, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return position{}, false
	}
	section, sk, ok := strings.Cut(string(raw), "#")
	p := position{section: section, sk: sk}
	return p, ok && section != "" && validAuditSK(section, sk) && p.String() == s
}

// validAuditSK reports whether sk is a sort key dynamo.AuditKey gives: a
// sortable time, "#" and an id of 16 lower-case hex digits.
func validAuditSK(section, sk string) bool {
	at, id, ok := strings.Cut(sk, "#")
	if !ok || len(id) != 16 {
		return false
	}
	if b, err := hex.DecodeString(id); err != nil || hex.EncodeToString(b) != id {
		return false
	}
	t, err := time.Parse(dynamo.SortableTime, at)
	return err == nil && dynamo.AuditKey(section, t, id).SK == sk
}

// maxAuditPage is the most entries one page may ask for.
const maxAuditPage = 1000

// AuditPage is one page of a section's trail, newest first. Next is the
// cursor of the page after it; "" when no entry is left.
type AuditPage struct {
	Items []AuditEntry
	Next  string
}

// ListAuditPage returns up to limit entries of section, newest first,
// starting after the entry cursor names ("" starts at the newest). A cursor
// that is malformed or another section's is 422 validation_failed naming
// "cursor". It reads one entry more than it returns, so that the last page
// says it is the last (no empty page follows), and reads on while DynamoDB
// stops early (1 MB of large snapshots).
func ListAuditPage(ctx context.Context, t dynamo.Table, section string, limit int, cursor string) (AuditPage, error) {
	if limit < 1 || limit > maxAuditPage {
		return AuditPage{}, fmt.Errorf("list audit of %s: limit %d is not in 1..%d", section, limit, maxAuditPage)
	}
	partition := dynamo.AuditPartition(section)
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(t.Name),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(partition)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
	}
	items, next, err := dynamo.QueryPage(ctx, t, in, partition, limit, cursor,
		func(sk string) bool { return validAuditSK(section, sk) })
	if errors.Is(err, dynamo.ErrBadCursor) {
		return AuditPage{}, apperr.InvalidField("validation_failed", "cursor",
			"is not a cursor of this section's trail; send the next_cursor of the previous page as it is")
	}
	if err != nil {
		return AuditPage{}, fmt.Errorf("list audit of %s: %w", section, err)
	}
	page := AuditPage{Items: make([]AuditEntry, 0, len(items))}
	for _, av := range items {
		e, err := decodeAudit(av)
		if err != nil {
			return AuditPage{}, err
		}
		page.Items = append(page.Items, e)
	}
	page.Next = next
	return page, nil
}

// GetAuditEntry returns the entry id names. An id that is malformed or
// names no entry is 404 not_found.
func GetAuditEntry(ctx context.Context, t dynamo.Table, id string) (AuditEntry, error) {
	notFound := apperr.New(apperr.NotFound, "not_found", "there is no audit entry with this id")
	at, ok := parsePosition(id)
	if !ok {
		return AuditEntry{}, notFound
	}
	item, err := t.Get(ctx, at.key())
	if err != nil {
		return AuditEntry{}, fmt.Errorf("get audit entry of %s: %w", at.section, err)
	}
	if item == nil {
		return AuditEntry{}, notFound
	}
	return decodeAudit(item)
}
