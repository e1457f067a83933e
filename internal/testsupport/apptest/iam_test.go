package apptest

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/devtools/samtemplate"
)

func key(pk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: "X"},
	}
}

// Each SDK call is what IAM authorizes: a batch one call over all its
// partitions, a transaction one item action per item.
func TestIAMCallsOfDynamoDBOperations(t *testing.T) {
	tpl := mustTemplate(t)
	table := ARN(t, tpl.TableID)
	call := func(action, keys string) samtemplate.Call {
		return samtemplate.Call{Action: action, Resource: table, LeadingKey: keys}
	}
	cases := []struct {
		name   string
		action string
		params any
		want   []samtemplate.Call
	}{
		{"batch get", "dynamodb:BatchGetItem", &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			"t": {Keys: []map[string]types.AttributeValue{key("SESSION#1"), key("CONFIG"), key("CONFIG")}},
		}}, []samtemplate.Call{call("dynamodb:BatchGetItem", "CONFIG\nSESSION#1")}},
		{"batch write", "dynamodb:BatchWriteItem", &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
			"t": {{DeleteRequest: &types.DeleteRequest{Key: key("SESSION#1")}}, {PutRequest: &types.PutRequest{Item: key("CLIENT#1")}}},
		}}, []samtemplate.Call{call("dynamodb:BatchWriteItem", "CLIENT#1\nSESSION#1")}},
		{"transact get", "dynamodb:TransactGetItems", &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
			{Get: &types.Get{Key: key("SESSION#1")}}, {Get: &types.Get{Key: key("CONFIG")}},
		}}, []samtemplate.Call{call("dynamodb:GetItem", "SESSION#1"), call("dynamodb:GetItem", "CONFIG")}},
		{"transact write", "dynamodb:TransactWriteItems", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{Item: key("CLIENT#1")}}, {Update: &types.Update{Key: key("SESSION#1")}},
			{Delete: &types.Delete{Key: key("TOKEN#1")}}, {ConditionCheck: &types.ConditionCheck{Key: key("EMAIL#a")}},
		}}, []samtemplate.Call{call("dynamodb:PutItem", "CLIENT#1"), call("dynamodb:UpdateItem", "SESSION#1"),
			call("dynamodb:DeleteItem", "TOKEN#1"), call("dynamodb:ConditionCheckItem", "EMAIL#a")}},
		{"query", "dynamodb:Query", &dynamodb.QueryInput{
			KeyConditionExpression:    aws.String("#pk = :pk AND begins_with(SK, :p)"),
			ExpressionAttributeNames:  map[string]string{"#pk": "PK"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "CONFIG"}, ":p": &types.AttributeValueMemberS{Value: "S"}},
		}, []samtemplate.Call{call("dynamodb:Query", "CONFIG")}},
		{"unknown", "dynamodb:Scan", &dynamodb.ScanInput{}, []samtemplate.Call{call("dynamodb:Scan", unknownPartition)}},
	}
	for _, c := range cases {
		if got := iamCalls(tpl, c.action, c.params); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
