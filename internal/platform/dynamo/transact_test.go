package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeDB is a hand-written fake of the DynamoDB client: TransactWriteItems
// answers with answers[i] on call i (the last answer repeats) and records
// every call, even one made on a done context. Any other call panics on
// the nil embedded API, because no test here expects one.
type fakeDB struct {
	API
	answers []error
	onCall  func(call int) // runs after each call, before it returns
	calls   []*dynamodb.TransactWriteItemsInput
	at      []time.Time
}

func (f *fakeDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	n := len(f.calls)
	f.calls = append(f.calls, in)
	f.at = append(f.at, time.Now())
	if err := ctx.Err(); err != nil { // the SDK sends nothing on a done context
		return nil, err
	}
	if f.onCall != nil {
		f.onCall(n)
	}
	err := f.answers[min(n, len(f.answers)-1)]
	if err != nil {
		return nil, err
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// cancelled is a cancelled transaction as the SDK returns it: one reason
// per item, wrapped as an operation error.
func cancelled(reasons ...string) error {
	tce := &types.TransactionCanceledException{
		Message: aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(reasons, ", ") + "]"),
	}
	for _, r := range reasons {
		tce.CancellationReasons = append(tce.CancellationReasons, types.CancellationReason{Code: aws.String(r)})
	}
	return wrapped(tce)
}

// cancelledMessageOnly is a cancelled transaction whose reasons are only in
// its message (as DynamoDB Local answers).
func cancelledMessageOnly(msg string) error {
	return wrapped(&types.TransactionCanceledException{Message: aws.String(msg)})
}

func wrapped(err error) error {
	return fmt.Errorf("operation error DynamoDB: TransactWriteItems, https response error StatusCode: 400: %w", err)
}

// items is a two-item transaction: a put and a condition check.
func items() []types.TransactWriteItem {
	return []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"PK": S("SECTION#general"), "SK": S("v1")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("t"), Key: SectionKey("verification").KeyAttrs(),
			ConditionExpression: aws.String("attribute_exists(PK)")}},
	}
}

func TestTransactWrite(t *testing.T) {
	var (
		conflict         = cancelled("None", "TransactionConflict")
		messageConflict  = cancelledMessageOnly("Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]")
		failed           = cancelled("None", "ConditionalCheckFailed")
		failedInConflict = cancelled("ConditionalCheckFailed", "TransactionConflict")
		throttled        = cancelled("ThrottlingError", "TransactionConflict")
		plain            = errors.New("connection reset")
	)
	cases := []struct {
		name    string
		answers []error // one per call; the last repeats
		calls   int
		err     error // what TransactWrite returns: nil, or the very error of the last call
	}{
		{"success at once", []error{nil}, 1, nil},
		{"conflict, then success", []error{conflict, nil}, 2, nil},
		{"conflicts up to the last retry, then success", append(slices.Repeat([]error{conflict}, maxConflictRetries), nil), maxConflictRetries + 1, nil},
		{"conflict only in the message, then success", []error{messageConflict, nil}, 2, nil},
		{"conflict forever gives up after the bound", []error{conflict}, maxConflictRetries + 1, conflict},
		{"a failed condition is not retried", []error{failed, nil}, 1, failed},
		{"a failed condition next to a conflict is not retried", []error{failedInConflict, nil}, 1, failedInConflict},
		{"a conflict, then a failed condition", []error{conflict, failed, nil}, 2, failed},
		{"throttling next to a conflict is not retried", []error{throttled, nil}, 1, throttled},
		{"a plain error is not retried", []error{plain, nil}, 1, plain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := &fakeDB{answers: c.answers}
			sent := items()
			err := Table{DB: db, Name: "t"}.TransactWrite(context.Background(), sent)
			if err != c.err {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if len(db.calls) != c.calls {
				t.Fatalf("%d calls, want %d", len(db.calls), c.calls)
			}
			for i, in := range db.calls {
				if len(in.TransactItems) != len(sent) || in.TransactItems[0].Put != sent[0].Put || in.TransactItems[1].ConditionCheck != sent[1].ConditionCheck {
					t.Fatalf("call %d sent %+v, want the same items each time", i, in.TransactItems)
				}
			}
		})
	}
}

// Retries wait a little, longer each time: 10, 20, 30, 40 ms.
func TestTransactWriteBacksOff(t *testing.T) {
	db := &fakeDB{answers: []error{cancelled("TransactionConflict")}}
	if err := (Table{DB: db}).TransactWrite(context.Background(), items()); !IsTransactionConflict(err) {
		t.Fatalf("error %v, want the conflict", err)
	}
	for i := 1; i < len(db.at); i++ {
		if gap, least := db.at[i].Sub(db.at[i-1]), time.Duration(10*i)*time.Millisecond; gap < least {
			t.Errorf("retry %d came %v after the previous call, want at least %v", i, gap, least)
		}
	}
}

func TestTransactWriteStopsWhenTheContextEnds(t *testing.T) {
	t.Run("cancelled during the backoff", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db := &fakeDB{answers: []error{cancelled("None", "TransactionConflict")}, onCall: func(int) { cancel() }}
		start := time.Now()
		err := Table{DB: db}.TransactWrite(ctx, items())
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if len(db.calls) != 1 {
			t.Fatalf("%d calls after the context ended, want 1", len(db.calls))
		}
		if waited := time.Since(start); waited > 5*time.Second {
			t.Fatalf("returned after %v", waited)
		}
	})
	t.Run("deadline passing during the backoff", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 25*time.Millisecond)
		defer cancel()
		db := &fakeDB{answers: []error{cancelled("TransactionConflict")}}
		err := Table{DB: db}.TransactWrite(ctx, items())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want context.DeadlineExceeded", err)
		}
		if n := len(db.calls); n < 1 || n > maxConflictRetries {
			t.Fatalf("%d calls, want the deadline to end the retries early", n)
		}
	})
}

func TestCancellationReasons(t *testing.T) {
	const prefix = "Transaction cancelled, please refer cancellation reasons for specific reasons "
	ccf := &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	cases := []struct {
		name        string
		err         error
		reasons     []string
		condition   bool  // IsConditionFailed
		failedItems []int // FailedConditions
		conflict    bool  // IsTransactionConflict
	}{
		{name: "no error", err: nil},
		{name: "another error", err: errors.New("timeout")},
		{name: "a single item's failed condition", err: wrapped(ccf), condition: true},
		{name: "reasons listed", err: cancelled("None", "ConditionalCheckFailed"),
			reasons: []string{"None", "ConditionalCheckFailed"}, condition: true, failedItems: []int{1}},
		{name: "several failed conditions", err: cancelled("ConditionalCheckFailed", "None", "ConditionalCheckFailed"),
			reasons: []string{"ConditionalCheckFailed", "None", "ConditionalCheckFailed"}, condition: true, failedItems: []int{0, 2}},
		{name: "conflict only", err: cancelled("None", "TransactionConflict", "None"),
			reasons: []string{"None", "TransactionConflict", "None"}, conflict: true},
		{name: "conflict and a failed condition", err: cancelled("TransactionConflict", "ConditionalCheckFailed"),
			reasons: []string{"TransactionConflict", "ConditionalCheckFailed"}, condition: true, failedItems: []int{1}},
		{name: "conflict and throttling", err: cancelled("TransactionConflict", "ThrottlingError"),
			reasons: []string{"TransactionConflict", "ThrottlingError"}},
		{name: "no item failed", err: cancelled("None", "None"), reasons: []string{"None", "None"}},
		{name: "a reason without a code", err: wrapped(&types.TransactionCanceledException{
			CancellationReasons: []types.CancellationReason{{}, {Code: aws.String("TransactionConflict")}}}),
			reasons: []string{"", "TransactionConflict"}, conflict: true},
		{name: "reasons only in the message", err: cancelledMessageOnly(prefix + "[None, ConditionalCheckFailed]"),
			reasons: []string{"None", "ConditionalCheckFailed"}, condition: true, failedItems: []int{1}},
		{name: "conflict only in the message", err: cancelledMessageOnly(prefix + "[TransactionConflict, None, None]"),
			reasons: []string{"TransactionConflict", "None", "None"}, conflict: true},
		{name: "a message without reasons", err: cancelledMessageOnly("Transaction cancelled"), reasons: []string{}},
		{name: "the listed reasons win over the message", err: wrapped(&types.TransactionCanceledException{
			Message:             aws.String(prefix + "[ConditionalCheckFailed]"),
			CancellationReasons: []types.CancellationReason{{Code: aws.String("TransactionConflict")}}}),
			reasons: []string{"TransactionConflict"}, conflict: true},
		{name: "not wrapped", err: &types.TransactionCanceledException{Message: aws.String(prefix + "[ConditionalCheckFailed]")},
			reasons: []string{"ConditionalCheckFailed"}, condition: true, failedItems: []int{0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CancellationReasons(c.err); !slices.Equal(got, c.reasons) || (got == nil) != (c.reasons == nil) {
				t.Errorf("CancellationReasons = %#v, want %#v", got, c.reasons)
			}
			if got := IsConditionFailed(c.err); got != c.condition {
				t.Errorf("IsConditionFailed = %v, want %v", got, c.condition)
			}
			if got := FailedConditions(c.err); !slices.Equal(got, c.failedItems) {
				t.Errorf("FailedConditions = %v, want %v", got, c.failedItems)
			}
			if got := IsTransactionConflict(c.err); got != c.conflict {
				t.Errorf("IsTransactionConflict = %v, want %v", got, c.conflict)
			}
		})
	}
}
