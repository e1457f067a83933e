package admindoc

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// How an admin document is stored: its own attributes ("doc", a native
// DynamoDB map keyed by the JSON field names, so that condition expressions
// can name its fields, as in doc.required_level, and the table reads the
// same as the API) next to the metadata attributes below.
const (
	attrDoc       = "doc"
	attrVersion   = "version"
	attrUpdatedAt = "updated_at"
	attrUpdatedBy = "updated_by"
	attrLabel     = "label"
	attrType      = "type"
	attrHolders   = "holders"
)

var (
	docEncoder = attributevalue.NewEncoder(func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
	docDecoder = attributevalue.NewDecoder(func(o *attributevalue.DecoderOptions) { o.TagKey = "json" })
)

// marshalDoc encodes v, a value with json tags, as a DynamoDB value.
func marshalDoc(v any) (types.AttributeValue, error) {
	av, err := docEncoder.Encode(v)
	if err != nil {
		return nil, fmt.Errorf("marshal document: %w", err)
	}
	return av, nil
}

// unmarshalDoc decodes av into v. Fields absent from av keep the value v
// already has, so decoding onto a document's defaults fills the fields that
// older items lack.
func unmarshalDoc(av types.AttributeValue, v any) error {
	if err := docDecoder.Decode(av, v); err != nil {
		return fmt.Errorf("unmarshal document: %w", err)
	}
	return nil
}

// storedMeta is how Meta is stored next to a document.
type storedMeta struct {
	Version   int64  `dynamodbav:"version"`
	UpdatedAt string `dynamodbav:"updated_at"`
	UpdatedBy string `dynamodbav:"updated_by"`
	Label     string `dynamodbav:"label"`
}

// decodeRecord reads a stored document onto rec.Doc (which may hold
// defaults for fields the item lacks) and its metadata.
func decodeRecord[T any](item map[string]types.AttributeValue, rec *Record[T]) error {
	var m storedMeta
	if err := dynamo.UnmarshalItem(item, &m, attrDoc); err != nil {
		return err
	}
	if err := unmarshalDoc(item[attrDoc], &rec.Doc); err != nil {
		return fmt.Errorf("%s: %w", m.Label, err)
	}
	rec.Version, rec.UpdatedBy = m.Version, m.UpdatedBy
	rec.UpdatedAt, _ = time.Parse(time.RFC3339Nano, m.UpdatedAt)
	return nil
}
