package admindoc

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// fakeDB answers TransactWriteItems with err and keeps what it was sent.
type fakeDB struct {
	dynamo.API
	err  error
	sent []types.TransactWriteItem
}

func (f *fakeDB) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	f.sent = in.TransactItems
	return &dynamodb.TransactWriteItemsOutput{}, f.err
}

func cancelled(reasons ...string) error {
	tce := &types.TransactionCanceledException{Message: aws.String("Transaction cancelled")}
	for _, r := range reasons {
		tce.CancellationReasons = append(tce.CancellationReasons, types.CancellationReason{Code: aws.String(r)})
	}
	return tce
}

func fourChecks() []Check {
	return []Check{
		{Item: types.TransactWriteItem{Update: &types.Update{}}, Err: errors.New("stale")},
		{Item: types.TransactWriteItem{Put: &types.Put{}}, Err: errors.New("audit")},
		{Item: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{}}, Err: errors.New("unknown level")},
		{Item: types.TransactWriteItem{Delete: &types.Delete{}}, Err: errors.New("in use")},
	}
}

// A failed condition is answered with the error its check carries, the
// first failed check winning; nobody lines indexes up by hand.
func TestCommitAnswersTheFirstFailedCheck(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"a named item is missing", cancelled("None", "None", "ConditionalCheckFailed", "None"), "unknown level"},
		{"the last check", cancelled("None", "None", "None", "ConditionalCheckFailed"), "in use"},
		{"stale and missing: stale first", cancelled("ConditionalCheckFailed", "None", "ConditionalCheckFailed", "None"), "stale"},
		{"reasons only in the message", &types.TransactionCanceledException{
			Message: aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, None, ConditionalCheckFailed]")}, "in use"},
		{"a plain conditional check failure", &types.ConditionalCheckFailedException{}, "stale"},
	}
	for _, c := range cases {
		db := &fakeDB{err: c.err}
		err := commit(context.Background(), dynamo.Table{DB: db, Name: "t"}, "save x", fourChecks())
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
}

func TestCommitFillsTheTableAndWrapsOtherErrors(t *testing.T) {
	db := &fakeDB{}
	checks := fourChecks()
	if err := commit(context.Background(), dynamo.Table{DB: db, Name: "configs"}, "save x", checks); err != nil {
		t.Fatal(err)
	}
	names := []*string{db.sent[0].Update.TableName, db.sent[1].Put.TableName, db.sent[2].ConditionCheck.TableName, db.sent[3].Delete.TableName}
	for i, n := range names {
		if aws.ToString(n) != "configs" {
			t.Errorf("item %d table %q", i, aws.ToString(n))
		}
	}
	if checks[0].Item.Update.TableName != nil {
		t.Error("commit changed the caller's check")
	}

	boom := errors.New("throttled")
	db.err = boom
	err := commit(context.Background(), dynamo.Table{DB: db, Name: "configs"}, "save x", checks)
	if !errors.Is(err, boom) || err.Error() != "save x: throttled" {
		t.Fatalf("got %v", err)
	}
}
