package kit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/linktoken"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/testsupport/apptest"
)

// A link whose profile update finds the profile changed since it was read
// (another request confirmed or changed the address meanwhile) is 409
// client_changed: neither the token nor the update is written, and no
// email goes out.
func TestSendLinkToAChangedProfileIsAConflict(t *testing.T) {
	env := apptest.New(t)
	k := kit.New(env.Deps, nil)
	ctx := context.Background()
	c := clients.Client{ID: clients.NewID(), Email: "ann@example.com", Type: "personal", Language: "en",
		EmailState: clients.Confirmed, CreatedAt: env.Clock.Now()}
	if err := k.Clients.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	stale := c
	stale.Email = "old@example.com" // what a request read before the address changed
	link := kit.Link{Client: stale, To: "new@example.com", Purpose: linktoken.ChangeEmail,
		Kind: messaging.KindEmailVerification, TTL: time.Hour}
	err := k.SendLink(ctx, link, func(hash string) *types.Update {
		return k.Clients.PendingEmailUpdate(stale, "new@example.com", hash)
	})
	var problem *apperr.Error
	if !errors.As(err, &problem) || problem.Kind != apperr.Conflict || problem.Code != "client_changed" {
		t.Fatalf("got %v, want 409 client_changed", err)
	}
	if n := len(env.ItemsOfType("token")); n != 0 {
		t.Fatalf("%d tokens written", n)
	}
	if got, err := k.Clients.Get(ctx, c.ID); err != nil || got.PendingEmail != "" {
		t.Fatalf("the profile changed: %+v %v", got, err)
	}
	if n := len(env.Deps.Outbox.List()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}

	// The same link for the profile as it is goes through, once.
	link.Client = c
	err = k.SendLink(ctx, link, func(hash string) *types.Update {
		return k.Clients.PendingEmailUpdate(c, "new@example.com", hash)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(env.ItemsOfType("token")); n != 1 {
		t.Fatalf("%d tokens written, want 1", n)
	}
	if n := len(env.Deps.Outbox.List()); n != 1 {
		t.Fatalf("%d messages sent, want 1", n)
	}
}
