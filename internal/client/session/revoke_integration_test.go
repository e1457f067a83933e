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
)

func TestRevokeThenDecide(t *testing.T) {
	h := setup(t)
	tok := h.login("c-1", principal.ScopeFull)
	other := h.login("c-1", principal.ScopeFull)
	if err := h.store.Revoke(ctx, tok.SessionID); err != nil {
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
		if err := h.store.Revoke(ctx, id); err != nil {
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
