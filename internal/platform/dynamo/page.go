package dynamo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A page cursor is opaque to clients: the sort key a page ended at, bound
// to the partition it was read from, so that a cursor of one list is never
// taken for another's. It carries keys, never data.

// EncodeCursor is the cursor of a page of partition that ended at sortKey.
func EncodeCursor(partition, sortKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(partition + "\x00" + sortKey))
}

// DecodeCursor returns the sort key cursor ended at, if cursor is a cursor
// of partition.
func DecodeCursor(partition, cursor string) (sortKey string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	p, sk, found := strings.Cut(string(raw), "\x00")
	if !found || p != partition || sk == "" {
		return "", false
	}
	return sk, true
}

// ErrBadCursor is a cursor that is not one of the list's: malformed,
// another partition's, or naming a sort key the list cannot hold.
var ErrBadCursor = errors.New("not a cursor of this list")

// maxCursor bounds a cursor's length: sort keys of the lists are short,
// and a longer one (up to DynamoDB's 1 KB) would be refused by DynamoDB
// with an error instead of by the list with a 4xx.
const maxCursor = 512

// QueryPage runs in, a Query of partition, for up to limit items, starting
// after the item cursor names ("" starts at the first). validSK says which
// sort keys the list's items have; a cursor naming another is
// ErrBadCursor. It reads one item more than it returns, so that the last
// page says it is the last (next is "", no empty page follows), and reads
// on while DynamoDB stops early (1 MB of large items).
func QueryPage(ctx context.Context, t Table, in *dynamodb.QueryInput, partition string, limit int, cursor string,
	validSK func(string) bool) (items []map[string]types.AttributeValue, next string, err error) {
	if cursor != "" {
		sk, ok := DecodeCursor(partition, cursor)
		if len(cursor) > maxCursor || !ok || !validSK(sk) {
			return nil, "", ErrBadCursor
		}
		in.ExclusiveStartKey = Key{PK: partition, SK: sk}.KeyAttrs()
	}
	for {
		in.Limit = aws.Int32(int32(limit + 1 - len(items)))
		out, err := t.DB.Query(ctx, in)
		if err != nil {
			return nil, "", fmt.Errorf("query %s: %w", partition, err)
		}
		items = append(items, out.Items...)
		if len(items) > limit || len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(items) > limit {
		items = items[:limit]
		next = EncodeCursor(partition, KeyOf(items[limit-1]).SK)
	}
	return items, next, nil
}
