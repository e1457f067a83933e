package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Table is the service's single table: a client and the table's name.
type Table struct {
	DB   API
	Name string
}

// Get reads the whole item at k with one strongly consistent GetItem. The
// item is nil when there is none. DynamoDB's error is returned as it is,
// for the caller to say what it was reading.
func (t Table) Get(ctx context.Context, k Key) (map[string]types.AttributeValue, error) {
	out, err := t.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(t.Name),
		Key:            k.KeyAttrs(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	return out.Item, nil
}

// QueryAll returns every item in's Query matches, in sort-key order,
// following LastEvaluatedKey (one call unless the items pass 1 MB); it
// sets in's table and ExclusiveStartKey. DynamoDB's error is returned as
// it is, for the caller to say what it was reading.
func (t Table) QueryAll(ctx context.Context, in *dynamodb.QueryInput) ([]map[string]types.AttributeValue, error) {
	in.TableName = aws.String(t.Name)
	items := []map[string]types.AttributeValue{}
	for {
		out, err := t.DB.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// KeyAttrs returns k as the key map of a request.
func (k Key) KeyAttrs() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: k.PK},
		"SK": &types.AttributeValueMemberS{Value: k.SK},
	}
}

// S encodes a string attribute value.
func S(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// N encodes an integer attribute value.
func N(v int64) types.AttributeValue {
	av, _ := attributevalue.Marshal(v)
	return av
}
