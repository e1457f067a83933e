package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// MarshalItem encodes v (a struct with dynamodbav tags) as an item and adds
// already-encoded attributes (documents, snapshots) under their names. (The
// SDK's encoder would wrap a types.AttributeValue field instead of storing it.)
func MarshalItem(v any, attrs map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, fmt.Errorf("marshal item: %w", err)
	}
	for k, av := range attrs {
		item[k] = av
	}
	return item, nil
}

// UnmarshalItem decodes an item into v, leaving out the named attributes,
// which callers decode themselves (documents stored as maps, say).
func UnmarshalItem(item map[string]types.AttributeValue, v any, skip ...string) error {
	rest := make(map[string]types.AttributeValue, len(item))
	for k, av := range item {
		rest[k] = av
	}
	for _, d := range skip {
		delete(rest, d)
	}
	return attributevalue.UnmarshalMap(rest, v)
}
