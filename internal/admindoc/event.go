package admindoc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// Events: what an admin did that changed no document but still belongs in
// the audit trail (a test SMS sent, say). An event is an entry of the same
// shape as a change, in its own audit section, with no version, nothing
// before, and its details as what there is after, so that ListAudit reads
// both alike.

// RecordEvent adds one entry to section's audit trail: actor did what
// details describe at at. It writes the entry alone, so call it once what
// it records has happened. details must not hold secrets (a code, a
// token) or unmasked phone numbers: the trail keeps them for as long as
// the table keeps it.
func RecordEvent(ctx context.Context, t dynamo.Table, section, actor string, at time.Time, details map[string]any) error {
	item, err := EventItem(t, section, actor, at, details)
	if err != nil {
		return err
	}
	put := item.Put
	_, err = t.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: put.TableName, Item: put.Item, ConditionExpression: put.ConditionExpression,
	})
	if err != nil {
		return fmt.Errorf("record %s audit event: %w", section, err)
	}
	return nil
}

// EventItem is the entry RecordEvent would write, as an item of a
// transaction, for a caller that writes it with what it records, so that
// both are written or neither (an admin's test SMS: with its challenge).
// details are as for RecordEvent.
func EventItem(t dynamo.Table, section, actor string, at time.Time, details map[string]any) (types.TransactWriteItem, error) {
	if section == "" || actor == "" {
		return types.TransactWriteItem{}, errors.New("audit event: section and actor are required")
	}
	entry, err := auditCheck(change{section: section, actor: actor, at: at, after: details})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("%s audit event: %w", section, err)
	}
	entry.Item.Put.TableName = aws.String(t.Name)
	return entry.Item, nil
}

// Env is what the store was built with: its table, clock and guard, for
// handlers served beside the store's own routes (an action on a section
// that records an audit event, for instance).
func (s *Store[T]) Env() Env { return s.env }
