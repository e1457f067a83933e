package session

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/admindoc"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/security"
	"clientarea/internal/testsupport/dbtest"
)

func TestOwnSecurityDefaultIsTheSections(t *testing.T) {
	if defaultAbsoluteSessionHours != security.DefaultAbsoluteSessionHours {
		t.Fatalf("%d hours here, %d in the security section", defaultAbsoluteSessionHours, security.DefaultAbsoluteSessionHours)
	}
}

// The authorizer decodes the sections without package settings; what it
// finds must be what settings finds, before and after admins save them.
func TestLimitsAgreeWithSettings(t *testing.T) {
	ctx := context.Background()
	table := dbtest.Table(t)
	env := admindoc.Env{Table: table, Clock: clock.NewFake(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))}
	check := func(want Limits) {
		t.Helper()
		s, err := settings.Load(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		viaSettings := LimitsOf(s.General, s.Security)
		items, err := dynamo.BatchGet(ctx, table, []dynamo.Key{generalKey, securityKey}, decided)
		if err != nil {
			t.Fatal(err)
		}
		own, err := limitsFromItems(items[generalKey], items[securityKey])
		if err != nil {
			t.Fatal(err)
		}
		if own != viaSettings || own != want {
			t.Fatalf("own %+v, settings %+v, want %+v", own, viaSettings, want)
		}
	}
	check(Limits{Idle: time.Hour, Refresh: 2 * time.Hour, Absolute: 12 * time.Hour})

	gen := admindoc.New(env, general.Section())
	if _, err := gen.Modify(ctx, "general", nil, "a", func(c general.Config) (general.Config, error) {
		c.Security.SessionMinutes, c.Security.RefreshSessionMinutes = ptr(45), nil // refresh blank: twice
		return c, nil
	}); err != nil {
		t.Fatal(err)
	}
	sec := admindoc.New(env, security.Section())
	if _, err := sec.Modify(ctx, "security", nil, "a", func(c security.Config) (security.Config, error) {
		c.AbsoluteSessionHours, c.MandatoryTFA = ptr(720), true
		return c, nil
	}); err != nil {
		t.Fatal(err)
	}
	check(Limits{Idle: 45 * time.Minute, Refresh: 90 * time.Minute, Absolute: 720 * time.Hour})

	// An item written before the field existed takes the default.
	if _, err := table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(table.Name), Key: securityKey.KeyAttrs(),
		UpdateExpression: aws.String("REMOVE doc.absolute_session_hours"),
	}); err != nil {
		t.Fatal(err)
	}
	check(Limits{Idle: 45 * time.Minute, Refresh: 90 * time.Minute, Absolute: 12 * time.Hour})
}

func ptr[T any](v T) *T { return &v }
