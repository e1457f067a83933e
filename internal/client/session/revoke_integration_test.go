package session_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/session"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
	"clientarea/internal/testsupport/apptest"
)

func TestRevokeThenDecide(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	other := h.login("c-1", principal.ScopeFull)
	if err := h.store.Revoke(ctx, "c-1", tok.SessionID); err != nil {
		t.Fatal(err)
	}
	h.expect(tok.Token, route, principal.VerdictUnauthenticated)
	_, err := h.store.Refresh(ctx, tok.RefreshToken, h.limits())
	expectRefused(t, err, principal.VerdictUnauthenticated)
	if h.item(dynamo.ClientSessionKey("c-1", tok.SessionID)) != nil {
		t.Fatal("the client entry of a revoked session remains")
	}
	h.expect(other.Token, route, principal.VerdictOK) // the client's other session lives on

	// Idempotent, and harmless with ids that name nothing.
	for _, id := range []string{tok.SessionID, "", "nope", "AAAAAAAAAAAAAAAAAAAAAA"} {
		if err := h.store.Revoke(ctx, "c-1", id); err != nil {
			t.Fatalf("Revoke(%q): %v", id, err)
		}
	}
}

func TestRevokeAllExcept(t *testing.T) {
	h := setup(t)
	var mine []session.Tokens
	for range 30 { // more than one batch's worth
		mine = append(mine, h.login("c-1", principal.ScopeFull))
	}
	theirs := h.login("c-2", principal.ScopeFull)
	keep := mine[7]

	if err := h.store.RevokeAll(ctx, "c-1", keep.SessionID); err != nil {
		t.Fatal(err)
	}
	for i, tok := range mine {
		if i != 7 {
			h.expect(tok.Token, route, principal.VerdictUnauthenticated)
		}
	}
	h.expect(keep.Token, route, principal.VerdictOK)
	h.expect(theirs.Token, route, principal.VerdictOK)
	if list, err := h.store.List(ctx, "c-1"); err != nil || len(list) != 1 || list[0].ID != keep.SessionID {
		t.Fatalf("left %+v, %v; want only %s", list, err, keep.SessionID)
	}

	if err := h.store.RevokeAll(ctx, "c-1", ""); err != nil {
		t.Fatal(err)
	}
	h.expect(keep.Token, route, principal.VerdictUnauthenticated)
	h.expect(theirs.Token, route, principal.VerdictOK)
	if err := h.store.RevokeAll(ctx, "c-1", ""); err != nil { // nothing left: fine
		t.Fatal(err)
	}
}

func TestList(t *testing.T) {
	h := setup(t)
	first := h.login("c-1", principal.ScopeFull)
	h.clock.Advance(time.Minute)
	second := h.login("c-1", principal.ScopeTFASetup)
	h.login("c-2", principal.ScopeFull)
	h.clock.Advance(5 * time.Minute)
	h.expect(first.Token, route, principal.VerdictOK) // slides the first

	list, err := h.store.List(ctx, "c-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []session.Info{
		{ID: second.SessionID, CreatedAt: start.Add(time.Minute), LastSeenAt: start.Add(time.Minute), Scope: principal.ScopeTFASetup},
		{ID: first.SessionID, CreatedAt: start, LastSeenAt: start.Add(6 * time.Minute), Scope: principal.ScopeFull},
	}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Fatalf("List = %+v\nwant %+v", list, want)
	}
	if none, err := h.store.List(ctx, "c-3"); err != nil || len(none) != 0 {
		t.Fatalf("a client without sessions: %v, %v", none, err)
	}
}

func TestCreateWithTheCallersChecks(t *testing.T) {
	h := setup(t)
	h.profile("c-1")
	profileExists := func(id string) types.TransactWriteItem {
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{ // no TableName: Create fills it in
			Key: dynamo.ClientKey(id).KeyAttrs(), ConditionExpression: aws.String("attribute_exists(PK)"),
		}}
	}
	tok, err := h.store.Create(ctx, "c-1", principal.ScopeFull, h.limits(), profileExists("c-1"))
	if err != nil {
		t.Fatal(err)
	}
	h.expect(tok.Token, route, principal.VerdictOK)

	_, err = h.store.Create(ctx, "c-1", principal.ScopeFull, h.limits(), profileExists("c-1"), profileExists("gone"))
	var failed *session.ChecksFailedError
	if !errors.Is(err, session.ErrChecksFailed) || !errors.As(err, &failed) || fmt.Sprint(failed.Indexes) != "[1]" {
		t.Fatalf("error %v, want ErrChecksFailed naming check 1", err)
	}
	if list, _ := h.store.List(ctx, "c-1"); len(list) != 1 {
		t.Fatalf("%d sessions: a failed check created one", len(list))
	}
}

func TestCreateRefusesBadArguments(t *testing.T) {
	h := setup(t)
	for _, c := range [][2]string{{"", principal.ScopeFull}, {"c-1", ""}, {"c-1", "admin"}} {
		if _, err := h.store.Create(ctx, c[0], c[1], h.limits()); err == nil {
			t.Fatalf("Create(%q, %q) succeeded", c[0], c[1])
		}
	}
}

// Ending a session reads nothing: one transaction whose condition checks
// the session is the caller's deletes it with its client entry.
func TestRevokeIsOneTransaction(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	gets, transacts := h.db.calls()
	if err := h.store.RevokeOwn(ctx, "c-1", tok.SessionID); err != nil {
		t.Fatal(err)
	}
	if g, tw := h.db.calls(); g != gets || tw != transacts+1 {
		t.Fatalf("%d GetItem and %d TransactWriteItems, want 0 and 1", g-gets, tw-transacts)
	}
	if h.item(dynamo.SessionKey(tok.SessionID)) != nil || h.item(dynamo.ClientSessionKey("c-1", tok.SessionID)) != nil {
		t.Fatal("the session or its client entry remains")
	}
	h.expect(tok.Token, route, principal.VerdictUnauthenticated)
}

// A client ending another client's session is told it has no such
// session, exactly as for one that does not exist, and that session lives
// on with its entry. A logout naming another client's session (which the
// authorizer never hands over) ends nothing either.
func TestRevokeOfAnotherClientsSession(t *testing.T) {
	h := setup(t)
	theirs := h.login("c-2", principal.ScopeFull)
	h.login("c-1", principal.ScopeFull)
	for _, id := range []string{theirs.SessionID, "AAAAAAAAAAAAAAAAAAAAAA", "nope", ""} {
		if err := h.store.RevokeOwn(ctx, "c-1", id); !errors.Is(err, session.ErrNotOwn) {
			t.Fatalf("RevokeOwn(c-1, %q) = %v, want ErrNotOwn", id, err)
		}
	}
	if err := h.store.Revoke(ctx, "c-1", theirs.SessionID); err != nil {
		t.Fatal(err)
	}
	if err := h.store.RevokeOwn(ctx, "", theirs.SessionID); !errors.Is(err, session.ErrNotOwn) {
		t.Fatalf("no client: %v", err)
	}
	h.expect(theirs.Token, route, principal.VerdictOK)
	if h.item(dynamo.ClientSessionKey("c-2", theirs.SessionID)) == nil {
		t.Fatal("the other client's entry of its session is gone")
	}
	if list, err := h.store.List(ctx, "c-2"); err != nil || len(list) != 1 {
		t.Fatalf("c-2's sessions: %v, %v", list, err)
	}
}

// Concurrent ends of one session: exactly one ends it, the others find
// it gone (a logout still succeeds: its aim holds), and nothing is left.
func TestConcurrentRevokesOfOneSession(t *testing.T) {
	h := setup(t)
	for round := range 3 {
		tok := h.login("c-1", principal.ScopeFull)
		keep := h.login("c-1", principal.ScopeFull)
		own := apptest.Concurrently(6, func(int) error { return h.store.RevokeOwn(ctx, "c-1", tok.SessionID) })
		ended := 0
		for _, err := range own {
			switch {
			case err == nil:
				ended++
			case !errors.Is(err, session.ErrNotOwn):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ended != 1 {
			t.Fatalf("round %d: %d of the concurrent ends ended the session, want 1", round, ended)
		}
		tok = h.login("c-1", principal.ScopeFull)
		for _, err := range apptest.Concurrently(6, func(int) error { return h.store.Revoke(ctx, "c-1", tok.SessionID) }) {
			if err != nil {
				t.Fatalf("round %d: a concurrent logout: %v", round, err)
			}
		}
		if h.item(dynamo.SessionKey(tok.SessionID)) != nil || h.item(dynamo.ClientSessionKey("c-1", tok.SessionID)) != nil {
			t.Fatalf("round %d: the session or its entry remains", round)
		}
		h.expect(keep.Token, route, principal.VerdictOK)
		if err := h.store.RevokeOwn(ctx, "c-1", keep.SessionID); err != nil {
			t.Fatal(err)
		}
	}
}
