package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Table is the service's single table: a client and the table's name.
type Table struct {
	DB   API
	Name string
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
