package admindoc

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// Check is one item of a write's transaction (the document's own write, its
// audit entry, a condition another document imposes) with the error that
// answers the failure of its condition. Callers never line failed indexes
// back up with what they meant: the check carries its meaning.
type Check struct {
	Item types.TransactWriteItem
	Err  error
}

// commit runs checks as one transaction. Their order is their priority:
// when several conditions fail, the first failed check's Err is the
// answer. The table name is filled in here, so checks are built without it.
// A transaction cancelled only by a concurrent one is retried inside
// dynamo.Table.TransactWrite; the conditions then decide.
func commit(ctx context.Context, table dynamo.Table, op string, checks []Check) error {
	items := make([]types.TransactWriteItem, len(checks))
	for i, c := range checks {
		items[i] = inTable(c.Item, table.Name)
	}
	err := table.TransactWrite(ctx, items)
	switch {
	case err == nil:
		return nil
	case !dynamo.IsConditionFailed(err):
		return fmt.Errorf("%s: %w", op, err)
	}
	for _, i := range dynamo.FailedConditions(err) {
		if i < len(checks) {
			return checks[i].Err
		}
	}
	// A failed condition without per-item reasons: the document's own
	// condition is the one that can fail in normal operation.
	return checks[0].Err
}

// inTable returns it with its TableName set to table.
func inTable(it types.TransactWriteItem, table string) types.TransactWriteItem {
	name := aws.String(table)
	switch {
	case it.Put != nil:
		p := *it.Put
		p.TableName = name
		it.Put = &p
	case it.Update != nil:
		u := *it.Update
		u.TableName = name
		it.Update = &u
	case it.Delete != nil:
		d := *it.Delete
		d.TableName = name
		it.Delete = &d
	case it.ConditionCheck != nil:
		c := *it.ConditionCheck
		c.TableName = name
		it.ConditionCheck = &c
	}
	return it
}

// Change is an admin write that is not a document's (a client's level and
// status, an account's activation), described for its audit entry: which
// section of the trail, about what (Subject: a client id...), by whom, and
// what it was before and after (nil for nothing).
type Change struct {
	Section, Subject, Actor string
	At                      time.Time
	Before, After           any
}

// Commit runs checks and the audit entry of c as one transaction, so that
// the change and its record exist together or not at all. The checks come
// first: the first failed one answers.
func Commit(ctx context.Context, table dynamo.Table, op string, c Change, checks []Check) error {
	entry, err := auditCheck(change{section: c.Section, subject: c.Subject, actor: c.Actor, at: c.At,
		before: c.Before, after: c.After})
	if err != nil {
		return err
	}
	return commit(ctx, table, op, append(checks, entry))
}
