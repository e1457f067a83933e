package clients

import (
	"context"
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

// Page is one page of the client directory, newest sign-ups first.
type Page struct {
	Clients []Client
	Next    string // the cursor of the next page; "" after the last
}

// List returns up to limit clients, newest sign-ups first, starting after
// cursor ("" for the first page): a Query of the directory, then one
// BatchGetItem of the profiles. A cursor that is not one of this list's is
// 422 naming "cursor".
func (s Store) List(ctx context.Context, limit int, cursor string) (Page, error) {
	in := &dynamodb.QueryInput{
		TableName:                 s.table(),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(dynamo.ClientDirectoryPartition)},
		ScanIndexForward:          aws.Bool(false),
	}
	items, next, err := dynamo.QueryPage(ctx, s.Table, in, dynamo.ClientDirectoryPartition, limit, cursor, directorySK)
	if errors.Is(err, dynamo.ErrBadCursor) {
		return Page{}, apperr.InvalidField("validation_failed", "cursor", "is not a cursor of this list (send next_cursor as it was answered)")
	}
	if err != nil {
		return Page{}, fmt.Errorf("page the client directory: %w", err)
	}
	keys := make([]dynamo.Key, 0, len(items))
	for _, it := range items {
		if id, ok := it["client_id"].(*types.AttributeValueMemberS); ok {
			keys = append(keys, dynamo.ClientKey(id.Value))
		}
	}
	page := Page{Next: next}
	if page.Clients, err = s.getMany(ctx, keys); err != nil {
		return Page{}, err
	}
	return page, nil
}

// directorySK reports whether sk has the form of a directory entry's sort
// key: a sortable time, "#", a client id (32 hex digits).
func directorySK(sk string) bool {
	at, id, ok := strings.Cut(sk, "#")
	if !ok || len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return false
	}
	_, err := time.Parse(dynamo.SortableTime, at)
	return err == nil
}

// getMany reads the profiles at keys, in their order; a missing one is
// left out.
func (s Store) getMany(ctx context.Context, keys []dynamo.Key) ([]Client, error) {
	items, err := dynamo.BatchGet(ctx, s.Table, keys, dynamo.Projection{})
	if err != nil {
		return nil, fmt.Errorf("read clients: %w", err)
	}
	list := make([]Client, 0, len(keys))
	for _, k := range keys {
		item, ok := items[k]
		if !ok {
			continue
		}
		var c Client
		if err := dynamo.UnmarshalItem(item, &c); err != nil {
			return nil, apperr.Internalf("decode client", err)
		}
		list = append(list, c)
	}
	return list, nil
}
