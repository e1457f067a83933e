package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/session"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
)

// stingyDB processes only the first key or request of each batch and
// hands the rest back unprocessed, as DynamoDB does when it throttles.
type stingyDB struct{ *countingDB }

func (s stingyDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	now, later := map[string]types.KeysAndAttributes{}, map[string]types.KeysAndAttributes{}
	for table, ka := range in.RequestItems {
		first, rest := ka, ka
		first.Keys, rest.Keys = ka.Keys[:1], ka.Keys[1:]
		now[table] = first
		if len(rest.Keys) > 0 {
			later[table] = rest
		}
	}
	out, err := s.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: now}, opts...)
	if err == nil {
		out.UnprocessedKeys = later
	}
	return out, err
}

func (s stingyDB) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	now, later := map[string][]types.WriteRequest{}, map[string][]types.WriteRequest{}
	for table, reqs := range in.RequestItems {
		now[table] = reqs[:1]
		if len(reqs) > 1 {
			later[table] = reqs[1:]
		}
	}
	out, err := s.Client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: now}, opts...)
	if err == nil {
		out.UnprocessedItems = later
	}
	return out, err
}

func TestBatchesFinishWhatDynamoDBLeavesUnprocessed(t *testing.T) {
	h := setup(t)
	h.setGeneral(20, 40)
	a := h.login("c-1", principal.ScopeFull)
	b := h.login("c-1", principal.ScopeFull)
	c := h.login("c-1", principal.ScopeFull)
	stingy := dynamo.Table{DB: stingyDB{h.db}, Name: h.table.Name}

	auth := session.Authorizer{Table: stingy, Clock: h.clock}
	h.clock.Advance(30 * time.Minute) // expired only if the settings were read
	if got := auth.Decide(ctx, a.Token, route); got.Verdict != principal.VerdictExpired {
		t.Fatalf("Decide = %+v: the section items went missing", got)
	}

	store := session.Store{Table: stingy, Clock: h.clock}
	if list, err := store.List(ctx, "c-1"); err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if err := store.RevokeAll(ctx, "c-1", b.SessionID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []session.Tokens{a, c} {
		if h.item(dynamo.SessionKey(tok.SessionID)) != nil || h.item(dynamo.ClientSessionKey("c-1", tok.SessionID)) != nil {
			t.Fatalf("session %s left behind", tok.SessionID)
		}
	}
	if h.item(dynamo.SessionKey(b.SessionID)) == nil {
		t.Fatal("the session kept was deleted")
	}
}
