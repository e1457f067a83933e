package clients

import (
	"context"
	"fmt"

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
// cursor ("" for the first page): one Query of the directory, then one
// BatchGetItem of the profiles. A cursor that is not one of this list's is
// 422 naming "cursor".
func (s Store) List(ctx context.Context, limit int32, cursor string) (Page, error) {
	in := &dynamodb.QueryInput{
		TableName:                 s.table(),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(dynamo.ClientDirectoryPartition)},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(limit),
	}
	if cursor != "" {
		sk, ok := dynamo.DecodeCursor(dynamo.ClientDirectoryPartition, cursor)
		if !ok {
			return Page{}, apperr.InvalidField("validation_failed", "cursor", "is not a cursor of this list (use next_cursor as it was answered)")
		}
		in.ExclusiveStartKey = dynamo.Key{PK: dynamo.ClientDirectoryPartition, SK: sk}.KeyAttrs()
	}
	out, err := s.Table.DB.Query(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("page the client directory: %w", err)
	}
	keys := make([]dynamo.Key, 0, len(out.Items))
	for _, it := range out.Items {
		if id, ok := it["client_id"].(*types.AttributeValueMemberS); ok {
			keys = append(keys, dynamo.ClientKey(id.Value))
		}
	}
	page := Page{}
	if page.Clients, err = s.getMany(ctx, keys); err != nil {
		return Page{}, err
	}
	if last := out.LastEvaluatedKey; len(last) > 0 {
		page.Next = dynamo.EncodeCursor(dynamo.ClientDirectoryPartition, dynamo.KeyOf(last).SK)
	}
	return page, nil
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
