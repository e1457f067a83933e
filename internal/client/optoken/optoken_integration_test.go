package optoken_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/optoken"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/dbtest"
)

var ctx = context.Background()

// start is in the future, as in package apptest: DynamoDB Local deletes
// items whose ttl has passed in issued time.
var start = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

// harness is one test's table (its calls counted), clock and store.
type harness struct {
	t     *testing.T
	db    *countingDB
	table dynamo.Table
	clock *clock.Fake
	store optoken.Store
}

func setup(t *testing.T) *harness {
	t.Helper()
	base := dbtest.Table(t)
	db := &countingDB{API: base.DB}
	table := dynamo.Table{DB: db, Name: base.Name}
	clk := clock.NewFake(start)
	return &harness{t: t, db: db, table: table, clock: clk, store: optoken.Store{Table: table, Clock: clk}}
}

func (h *harness) issue(clientID, operation string) optoken.Token {
	h.t.Helper()
	tok, err := h.store.Issue(ctx, clientID, operation)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// countingDB counts the calls that reach the table.
type countingDB struct {
	dynamo.API
	calls atomic.Int64
}

func (c *countingDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.calls.Add(1)
	return c.API.UpdateItem(ctx, in, opts...)
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.calls.Add(1)
	return c.API.GetItem(ctx, in, opts...)
}

// wantCode fails t unless err is the *apperr.Error of kind and code.
func wantCode(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("error %v, want %s (kind %d)", err, code, kind)
	}
}

func TestATokenIsConsumedOnce(t *testing.T) {
	h := setup(t)
	tok := h.issue("client-1", "withdraw")
	if !tok.ExpiresAt.Equal(start.Add(optoken.TTL)) || tok.Token == "" {
		t.Fatalf("token %+v", tok)
	}
	if err := h.store.Consume(ctx, tok.Token, "client-1", "withdraw"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-1", "withdraw"), apperr.Conflict, optoken.CodeUsed)
}

func TestConcurrentConsumesHaveOneWinner(t *testing.T) {
	h := setup(t)
	tok := h.issue("client-1", "transfer")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-ready
			errs[i] = h.store.Consume(ctx, tok.Token, "client-1", "transfer")
		})
	}
	close(ready)
	wg.Wait()
	wins, used := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case apperr.CodeOf(err) == optoken.CodeUsed:
			used++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if wins != 1 || used != n-1 {
		t.Fatalf("%d successes and %d token_used, want 1 and %d", wins, used, n-1)
	}
}

// A token of another client or operation is as good as unknown, and
// trying it does not use it up for its rightful caller.
func TestATokenIsBoundToItsClientAndOperation(t *testing.T) {
	h := setup(t)
	tok := h.issue("client-1", "withdraw")
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-2", "withdraw"), apperr.NotFound, optoken.CodeNotFound)
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-1", "transfer"), apperr.NotFound, optoken.CodeNotFound)
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-1", "withdraw:x"), apperr.NotFound, optoken.CodeNotFound)
	if err := h.store.Consume(ctx, tok.Token, "client-1", "withdraw"); err != nil {
		t.Fatalf("the rightful caller was refused after the wrong ones: %v", err)
	}
	// Used, it still answers others as unknown: its state is not theirs to learn.
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-2", "withdraw"), apperr.NotFound, optoken.CodeNotFound)
}

func TestAnExpiredTokenIsGone(t *testing.T) {
	h := setup(t)
	tok := h.issue("client-1", "withdraw")
	late := h.issue("client-1", "withdraw")
	usedThenExpired := h.issue("client-1", "withdraw")

	h.clock.Advance(optoken.TTL - time.Nanosecond)
	if err := h.store.Consume(ctx, late.Token, "client-1", "withdraw"); err != nil {
		t.Fatalf("a token was refused a nanosecond before it expired: %v", err)
	}
	if err := h.store.Consume(ctx, usedThenExpired.Token, "client-1", "withdraw"); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Nanosecond) // its expiry is the first instant it no longer works
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-1", "withdraw"), apperr.Gone, optoken.CodeExpired)
	// Still 410 long after, while the item waits for TTL to delete it.
	h.clock.Advance(23 * time.Hour)
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-1", "withdraw"), apperr.Gone, optoken.CodeExpired)
	// A redeemed token says so even once it has expired, and others learn nothing.
	wantCode(t, h.store.Consume(ctx, usedThenExpired.Token, "client-1", "withdraw"), apperr.Conflict, optoken.CodeUsed)
	wantCode(t, h.store.Consume(ctx, tok.Token, "client-2", "withdraw"), apperr.NotFound, optoken.CodeNotFound)
}

func TestUnknownAndMalformedTokensAreNotFound(t *testing.T) {
	h := setup(t)
	issued := h.issue("client-1", "withdraw")
	unknown := strings.Repeat("A", 43) // well formed, never issued
	h.db.calls.Store(0)
	wantCode(t, h.store.Consume(ctx, unknown, "client-1", "withdraw"), apperr.NotFound, optoken.CodeNotFound)
	if h.db.calls.Load() != 1 {
		t.Fatalf("an unknown token took %d calls, want the one update", h.db.calls.Load())
	}
	h.db.calls.Store(0)
	malformed := []string{"", "short", issued.Token + "A", issued.Token[:42], issued.Token[:42] + "+", issued.Token[:42] + "B",
		strings.Repeat("A", 42) + "=", strings.Repeat("é", 43)}
	for _, tok := range malformed {
		wantCode(t, h.store.Consume(ctx, tok, "client-1", "withdraw"), apperr.NotFound, optoken.CodeNotFound)
	}
	if n := h.db.calls.Load(); n != 0 {
		t.Fatalf("malformed tokens were looked up (%d calls)", n)
	}
	wantCode(t, h.store.Consume(ctx, issued.Token, "client-1", "Withdraw"), apperr.Invalid, "validation_failed")
	if err := h.store.Consume(ctx, issued.Token, "client-1", "withdraw"); err != nil {
		t.Fatalf("the refused attempts used the token up: %v", err)
	}
}

func TestIssueRefusesAMalformedOperation(t *testing.T) {
	h := setup(t)
	_, err := h.store.Issue(ctx, "client-1", "with draw")
	wantCode(t, err, apperr.Invalid, "validation_failed")
}

// The table holds a token's hash, never the token: a read of the table
// (a backup, a stream, a console) yields nothing to redeem.
func TestTheTableNeverHoldsATokenInClear(t *testing.T) {
	h := setup(t)
	toks := []optoken.Token{h.issue("client-1", "withdraw"), h.issue("client-2", "transfer")}
	if err := h.store.Consume(ctx, toks[0].Token, "client-1", "withdraw"); err != nil {
		t.Fatal(err)
	}
	items := scan(t, h.table.Name)
	if len(items) != len(toks) {
		t.Fatalf("%d items, want %d", len(items), len(toks))
	}
	for _, item := range items {
		for name, av := range item {
			for _, tok := range toks {
				if strings.Contains(name, tok.Token) || strings.Contains(text(av), tok.Token) {
					t.Fatalf("attribute %s holds a token in clear: %v", name, av)
				}
			}
		}
	}
	sum := sha256.Sum256([]byte(toks[1].Token))
	item := find(t, items, "OPTOKEN#"+hex.EncodeToString(sum[:]))
	want := map[string]string{
		"SK": "TOKEN", "type": dynamo.TypeOperationToken, "client_id": "client-2", "operation": "transfer",
		"created_at": start.Format(dynamo.SortableTime), "expires_at": start.Add(optoken.TTL).Format(dynamo.SortableTime),
		"used": "false", "ttl": strconv.FormatInt(start.Add(optoken.TTL+24*time.Hour).Unix(), 10),
	}
	for k, v := range want {
		if got := text(item[k]); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := item["used_at"]; ok {
		t.Errorf("an unused token has used_at")
	}
	sum = sha256.Sum256([]byte(toks[0].Token))
	usedItem := find(t, items, "OPTOKEN#"+hex.EncodeToString(sum[:]))
	if text(usedItem["used"]) != "true" || text(usedItem["used_at"]) != start.Format(dynamo.SortableTime) {
		t.Errorf("the consumed token's item: %v", usedItem)
	}
}

func scan(t *testing.T, table string) []map[string]types.AttributeValue {
	t.Helper()
	out, err := dbtest.Client(t).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Items
}

func find(t *testing.T, items []map[string]types.AttributeValue, pk string) map[string]types.AttributeValue {
	t.Helper()
	for _, item := range items {
		if text(item["PK"]) == pk {
			return item
		}
	}
	t.Fatalf("no item %s", pk)
	return nil
}

// text is a scalar attribute's value as text.
func text(av types.AttributeValue) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberBOOL:
		return strconv.FormatBool(v.Value)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}
