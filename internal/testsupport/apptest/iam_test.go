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
		// A phone change: the new number's claim put, the old one's
		// deleted, the client updated, a session checked; asking for the
		// item on a failed condition needs no other permission.
		{"transact write with return values", "dynamodb:TransactWriteItems", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{Item: key("PHONE#+4915112345678"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
			{Delete: &types.Delete{Key: key("PHONE#+4915187654321")}},
			{Update: &types.Update{Key: key("CLIENT#c1"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
			{ConditionCheck: &types.ConditionCheck{Key: key("SESSION#s1")}},
		}}, []samtemplate.Call{call("dynamodb:PutItem", "PHONE#+4915112345678"), call("dynamodb:DeleteItem", "PHONE#+4915187654321"),
			call("dynamodb:UpdateItem", "CLIENT#c1"), call("dynamodb:ConditionCheckItem", "SESSION#s1")}},
		{"update with return values on failure", "dynamodb:UpdateItem", &dynamodb.UpdateItemInput{
			Key: key("OPTOKEN#t1"), UpdateExpression: aws.String("SET used_at = :now"), ConditionExpression: aws.String("attribute_not_exists(used_at)"),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}, []samtemplate.Call{call("dynamodb:UpdateItem", "OPTOKEN#t1")}},
		// A client's sessions: its partition, the sort keys' prefix.
		{"query with a sort key prefix", "dynamodb:Query", &dynamodb.QueryInput{
			KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: "CLIENT#c1"}, ":sk": &types.AttributeValueMemberS{Value: "SESSION#"},
			},
		}, []samtemplate.Call{call("dynamodb:Query", "CLIENT#c1")}},
		{"query, sort key condition first", "dynamodb:Query", &dynamodb.QueryInput{
			KeyConditionExpression:   aws.String("#sk = :sk AND #pk = :pk"),
			ExpressionAttributeNames: map[string]string{"#pk": "PK", "#sk": "SK"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: "CLIENT#c1"}, ":sk": &types.AttributeValueMemberS{Value: "PROFILE"},
			},
		}, []samtemplate.Call{call("dynamodb:Query", "CLIENT#c1")}},
		{"unknown", "dynamodb:Scan", &dynamodb.ScanInput{}, []samtemplate.Call{call("dynamodb:Scan", unknownPartition)}},
	}
	for _, c := range cases {
		if got := iamCalls(tpl, c.action, c.params); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
