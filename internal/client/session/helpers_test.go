package session_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/client/session"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/security"
	"clientarea/internal/testsupport/dbtest"
)

var ctx = context.Background()

// start is in the future, as in package apptest: DynamoDB Local deletes
// items whose ttl has passed in real time.
var start = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

const route = "GET /me/accounts" // any route a full session reaches

// harness is one test's table, clock, store and authorizer.
type harness struct {
	t     testing.TB
	db    *countingDB
	table dynamo.Table
	clock *clock.Fake
	store session.Store
	auth  session.Authorizer
}

func setup(t testing.TB) *harness {
	t.Helper()
	base := dbtest.Table(t)
	db := &countingDB{Client: base.DB.(*dynamodb.Client)}
	table := dynamo.Table{DB: db, Name: base.Name}
	clk := clock.NewFake(start)
	return &harness{t: t, db: db, table: table, clock: clk,
		store: session.Store{Table: table, Clock: clk}, auth: session.Authorizer{Table: table, Clock: clk}}
}

// limits are the limits the configuration sets now, read the way the auth
// function reads them.
func (h *harness) limits() session.Limits {
	h.t.Helper()
	s, err := settings.Load(ctx, h.table)
	if err != nil {
		h.t.Fatal(err)
	}
	return session.LimitsOf(s.General, s.Security)
}

// login creates a session of clientID (whose profile it creates too).
func (h *harness) login(clientID, scope string) session.Tokens {
	h.t.Helper()
	h.profile(clientID)
	tok, err := h.store.Create(ctx, clientID, scope, h.limits())
	if err != nil {
		h.t.Fatalf("create session: %v", err)
	}
	return tok
}

// profile stores a minimal client profile, as signup would.
func (h *harness) profile(clientID string) {
	h.t.Helper()
	item := dynamo.ClientKey(clientID).KeyAttrs()
	item["type"] = dynamo.S(dynamo.TypeClient)
	if _, err := h.table.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(h.table.Name), Item: item}); err != nil {
		h.t.Fatal(err)
	}
}

// setGeneral saves the general section's session minutes, as an admin.
func (h *harness) setGeneral(sessionMinutes, refreshMinutes int) {
	h.t.Helper()
	docs := admindoc.New(admindoc.Env{Table: h.table, Clock: h.clock}, general.Section())
	_, err := docs.Modify(ctx, "general", nil, "test-admin", func(c general.Config) (general.Config, error) {
		c.Security.SessionMinutes, c.Security.RefreshSessionMinutes = &sessionMinutes, &refreshMinutes
		return c, nil
	})
	if err != nil {
		h.t.Fatalf("save general: %v", err)
	}
}

// setAbsolute saves the security section's absolute session hours.
func (h *harness) setAbsolute(hours int) {
	h.t.Helper()
	docs := admindoc.New(admindoc.Env{Table: h.table, Clock: h.clock}, security.Section())
	_, err := docs.Modify(ctx, "security", nil, "test-admin", func(c security.Config) (security.Config, error) {
		c.AbsoluteSessionHours = &hours
		return c, nil
	})
	if err != nil {
		h.t.Fatalf("save security: %v", err)
	}
}

// expect decides token for routeKey and checks the verdict.
func (h *harness) expect(token, routeKey, verdict string) principal.Session {
	h.t.Helper()
	got := h.auth.Decide(ctx, token, routeKey)
	if got.Verdict != verdict {
		h.t.Fatalf("Decide(%s) at +%v = %+v, want %s", routeKey, h.elapsed(), got, verdict)
	}
	if verdict == principal.VerdictOK && (got.ClientID == "" || got.SessionID == "" || got.Scope == "") {
		h.t.Fatalf("an admitted session names no client, session or scope: %+v", got)
	}
	return got
}

func (h *harness) elapsed() time.Duration { return h.clock.Now().Sub(start) }

// item reads an item (consistently), or nil.
func (h *harness) item(k dynamo.Key) map[string]types.AttributeValue {
	h.t.Helper()
	out, err := h.table.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(h.table.Name), Key: k.KeyAttrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		h.t.Fatal(err)
	}
	return out.Item
}

func str(item map[string]types.AttributeValue, name string) string {
	s, _ := item[name].(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

// expectRefused checks a refresh's refusal: an *apperr.Error of kind
// Unauthenticated with code.
func expectRefused(t testing.TB, err error, code string) *apperr.Error {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.Unauthenticated || e.Code != code {
		t.Fatalf("error %v, want Unauthenticated %s", err, code)
	}
	return e
}

// countingDB is the real client, counting the calls that write.
type countingDB struct {
	*dynamodb.Client
	mu       sync.Mutex
	transact int
	done     int // TransactWriteItems calls that succeeded
	update   int
	get      int
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.mu.Lock()
	c.get++
	c.mu.Unlock()
	return c.Client.GetItem(ctx, in, opts...)
}

// calls is how many GetItem and TransactWriteItems calls were made.
func (c *countingDB) calls() (gets, transacts int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get, c.transact
}

func (c *countingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := c.Client.TransactWriteItems(ctx, in, opts...)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.transact++
	if err == nil {
		c.done++
	}
	return out, err
}

// transactionsDone is how many TransactWriteItems calls succeeded.
func (c *countingDB) transactionsDone() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

func (c *countingDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.mu.Lock()
	c.update++
	c.mu.Unlock()
	return c.Client.UpdateItem(ctx, in, opts...)
}

// writes is how many TransactWriteItems and UpdateItem calls were made.
func (c *countingDB) writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transact + c.update
}

// listOf returns the elements of a list attribute.
func listOf(t testing.TB, av types.AttributeValue) []types.AttributeValue {
	t.Helper()
	l, ok := av.(*types.AttributeValueMemberL)
	if !ok {
		t.Fatalf("%T is not a list", av)
	}
	return l.Value
}
