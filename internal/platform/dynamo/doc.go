package dynamo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/versioned"
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
// already-encoded attributes (documents, metadata) under their names. (The
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

// storedMeta is how versioned.Meta is stored next to a document.
type storedMeta struct {
	Version   int64  `dynamodbav:"version"`
	UpdatedAt string `dynamodbav:"updated_at"`
	UpdatedBy string `dynamodbav:"updated_by"`
}

// MetaAttrs returns m as the item attributes it is stored as.
func MetaAttrs(m versioned.Meta) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"version":    N(m.Version),
		"updated_at": S(m.UpdatedAt.UTC().Format(time.RFC3339Nano)),
		"updated_by": S(m.UpdatedBy),
	}
}

// DecodeRecord reads a stored admin document: its "doc" map onto rec.Doc
// (which may hold defaults for fields the item lacks) and its metadata.
func DecodeRecord[T any](item map[string]types.AttributeValue, rec *versioned.Record[T]) error {
	var m storedMeta
	if err := UnmarshalItem(item, &m, "doc"); err != nil {
		return err
	}
	if err := UnmarshalDoc(item["doc"], &rec.Doc); err != nil {
		return err
	}
	rec.Version, rec.UpdatedBy = m.Version, m.UpdatedBy
	rec.UpdatedAt, _ = time.Parse(time.RFC3339Nano, m.UpdatedAt)
	return nil
}
