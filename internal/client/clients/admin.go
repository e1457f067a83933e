package clients

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// VerificationUpdate gives c level and status ("" level: none), under the
// condition that c still has the level and status it was read with: the
// holders counts written in the same transaction then stay exact.
func (s Store) VerificationUpdate(c Client, level, status string) *types.Update {
	values := map[string]types.AttributeValue{":status": dynamo.S(status)}
	expr := "SET verification_status = :status"
	if level == "" {
		expr += " REMOVE #level"
	} else {
		expr += ", #level = :level"
		values[":level"] = dynamo.S(level)
	}
	cond := "attribute_exists(PK) AND " + equalsOrAbsent("#level", ":was_level", c.Level, values) +
		" AND " + equalsOrAbsent("verification_status", ":was_status", c.Status, values)
	u := s.update(c.ID, expr, cond, values)
	u.ExpressionAttributeNames = map[string]string{"#level": "level"}
	return u
}

// equalsOrAbsent is the condition that attribute name holds value (absent
// when value is ""), adding value to values under placeholder.
func equalsOrAbsent(name, placeholder, value string, values map[string]types.AttributeValue) string {
	if value == "" {
		return "attribute_not_exists(" + name + ")"
	}
	values[placeholder] = dynamo.S(value)
	return name + " = " + placeholder
}

// ManagerUpdate assigns m as client id's personal manager (nil: none), if
// the client exists.
func (s Store) ManagerUpdate(id string, m *Manager) *types.Update {
	if m == nil {
		return s.update(id, "REMOVE manager", "attribute_exists(PK)", nil)
	}
	return s.update(id, "SET manager = :m", "attribute_exists(PK)", map[string]types.AttributeValue{
		":m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"manager_id": dynamo.S(m.ID), "name": dynamo.S(m.Name)}},
	})
}
