package accounts_test

import (
	"context"
	"reflect"
	"testing"

	"clientarea/internal/client/accounts"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/verification/levels"
)

func ptr[T any](v T) *T { return &v }

// defaults is the configuration of a table never configured.
func defaults(t *testing.T) settings.Settings {
	t.Helper()
	cfg, err := settings.FromItems(nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestMissingListsWhatTheClientLacks(t *testing.T) {
	ready := clients.Client{ID: "c", EmailState: clients.Confirmed, PhoneState: clients.NotRequired}
	with := func(f func(*clients.Client)) clients.Client { c := ready; f(&c); return c }
	strict := func(cfg *settings.Settings) {
		cfg.Verification.RequiredLevel, cfg.Verification.RequiredStatus = ptr("kyc2"), ptr("Approved")
		cfg.LevelOrder = levels.Order{Levels: []string{"kyc1", "kyc2", "kyc3"}}
		cfg.General.Clients.MaxAccounts = 2
	}
	for _, c := range []struct {
		name   string
		cfg    func(*settings.Settings)
		client clients.Client
		want   []accounts.Requirement
	}{
		{"nothing required", nil, ready, nil},
		{"email pending", nil, with(func(c *clients.Client) { c.EmailState = clients.Pending }),
			[]accounts.Requirement{{Code: "confirmation_required"}}},
		{"phone pending", nil, with(func(c *clients.Client) { c.PhoneState = clients.Pending }),
			[]accounts.Requirement{{Code: "confirmation_required"}}},
		{"no limit", nil, with(func(c *clients.Client) { c.AccountCount = 1000 }), nil},
		{"everything", strict, with(func(c *clients.Client) { c.EmailState, c.AccountCount = clients.Pending, 2 }),
			[]accounts.Requirement{{Code: "confirmation_required"}, {Code: "level_required", Label: "kyc2"},
				{Code: "status_required", Label: "Approved"}, {Code: "account_limit_reached", Limit: 2}}},
		{"a lower level", strict, with(func(c *clients.Client) { c.Level, c.Status, c.AccountCount = "kyc1", "Approved", 1 }),
			[]accounts.Requirement{{Code: "level_required", Label: "kyc2"}}},
		{"a higher level", strict, with(func(c *clients.Client) { c.Level, c.Status = "kyc3", "Approved" }), nil},
		{"an unranked level", strict, with(func(c *clients.Client) { c.Level, c.Status = "vip", "Approved" }),
			[]accounts.Requirement{{Code: "level_required", Label: "kyc2"}}},
		{"another status", strict, with(func(c *clients.Client) { c.Level, c.Status = "kyc2", "approved" }),
			[]accounts.Requirement{{Code: "status_required", Label: "Approved"}}},
		{"Init is required and held", func(cfg *settings.Settings) { cfg.Verification.RequiredStatus = ptr("Init") }, ready, nil},
	} {
		cfg := defaults(t)
		if c.cfg != nil {
			c.cfg(&cfg)
		}
		if got := accounts.Missing(cfg, c.client); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: missing %+v, want %+v", c.name, got, c.want)
		}
	}
}

// noDB is a table no call may reach.
type noDB struct {
	dynamo.API // nil: any call panics
}

// EnsureSignupAccount is cheap when nothing is due: no DynamoDB call when
// the switch is off, the client has a live account or the rules refuse.
func TestEnsureSignupAccountCallsNothingWhenNothingIsDue(t *testing.T) {
	o := accounts.Opener{Table: dynamo.Table{DB: noDB{}, Name: "none"}, Clock: clock.System{}}
	ready := clients.Client{ID: "c", EmailState: clients.Confirmed, PhoneState: clients.NotRequired}
	on := defaults(t)
	on.Verification.OpenAccountOnSignup = true
	pending := ready
	pending.EmailState = clients.Pending
	hasLive := ready
	hasLive.LiveAccounts, hasLive.AccountCount = 1, 1
	for _, c := range []struct {
		name   string
		cfg    settings.Settings
		client clients.Client
	}{
		{"switch off", defaults(t), ready},
		{"confirmation pending", on, pending},
		{"a live account held", on, hasLive},
	} {
		if opened, err := o.EnsureSignupAccount(context.Background(), c.client, c.cfg); opened || err != nil {
			t.Errorf("%s: opened %v, error %v", c.name, opened, err)
		}
	}
	if !accounts.SignupAccountDue(on, ready) {
		t.Fatal("the signup account of a ready client is not due")
	}
}
