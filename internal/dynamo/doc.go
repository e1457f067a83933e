package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Documents (configuration sections, audit snapshots) are stored as native
// DynamoDB maps keyed by their JSON field names, so that condition
// expressions can name their fields (doc.required_level) and the table reads
// the same as the API.

var docEncoder = attributevalue.NewEncoder(func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
var docDecoder = attributevalue.NewDecoder(func(o *attributevalue.DecoderOptions) { o.TagKey = "json" })

// MarshalDoc encodes v, a struct with json tags, as a DynamoDB value.
func MarshalDoc(v any) (types.AttributeValue, error) {
	av, err := docEncoder.Encode(v)
	if err != nil {
		return nil, fmt.Errorf("marshal document: %w", err)
	}
	return av, nil
}

// UnmarshalDoc decodes av into v, a pointer to a struct with json tags.
// Fields absent from av keep the value v already has, so decoding onto a
// document's defaults fills fields that older items lack.
func UnmarshalDoc(av types.AttributeValue, v any) error {
	if err := docDecoder.Decode(av, v); err != nil {
		return fmt.Errorf("unmarshal document: %w", err)
	}
	return nil
}

// MarshalItem encodes v (a struct with dynamodbav tags) as an item and adds
// the already-encoded documents under their attribute names. (The SDK's
// encoder would wrap a types.AttributeValue field instead of storing it.)
func MarshalItem(v any, docs map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, fmt.Errorf("marshal item: %w", err)
	}
	for k, av := range docs {
		item[k] = av
	}
	return item, nil
}

// UnmarshalItem decodes an item into v, leaving out the named document
// attributes, which callers decode with UnmarshalDoc.
func UnmarshalItem(item map[string]types.AttributeValue, v any, docs ...string) error {
	rest := make(map[string]types.AttributeValue, len(item))
	for k, av := range item {
		rest[k] = av
	}
	for _, d := range docs {
		delete(rest, d)
	}
	return attributevalue.UnmarshalMap(rest, v)
}
