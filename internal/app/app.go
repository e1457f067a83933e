// Package app builds, once per process, what every function shares: the
// configuration, the logger, the AWS SDK configuration, the table, the clock
// and authorization. It imports no section: each function's wiring (a
// Builder, in its own package) takes what it needs from Deps, so a
// function's binary links and initialises only its own code. The registry
// of all functions, for the local tools and tests, is package functions.
package app

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"clientarea/internal/admindoc"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// Deps is what the functions' handlers are built from.
type Deps struct {
	Config config.Config
	AWS    aws.Config // SDK configuration for the clients a function builds
	Table  dynamo.Table
	Clock  clock.Clock
	Auth   principal.Resolver
	// Outbox, when set (local tools and tests), takes the SMS and
	// notification events that would go to SNS, unless SNS_ENDPOINT names an
	// SNS to use. Nil in AWS.
	Outbox *messaging.Outbox
}

// Builder wires one function's handler from Deps. It may fail (a missing
// secret, say): the function then refuses to start rather than serve badly.
type Builder func(ctx context.Context, d *Deps) (*httpapi.Router, error)

// Load reads the environment, sets the default logger and builds the AWS
// configuration and the DynamoDB client: what a Lambda cold start does.
func Load(ctx context.Context) (*Deps, error) {
	// JSON from the first line: a configuration error is logged too, and
	// must read like every other line in CloudWatch.
	slog.SetDefault(logging.New(os.Stdout, slog.LevelInfo))
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	slog.SetDefault(logging.New(os.Stdout, cfg.LogLevel))
	awsCfg, err := awsclients.Load(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d := New(cfg, awsCfg, dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), clock.System{})
	d.Outbox = nil // in AWS, messages go to SNS
	return d, nil
}

// New assembles Deps from parts (tests and local tools pass their own), with
// an outbox for the messages.
func New(cfg config.Config, awsCfg aws.Config, db dynamo.API, clk clock.Clock) *Deps {
	return &Deps{
		Config: cfg,
		AWS:    awsCfg,
		Table:  dynamo.Table{DB: db, Name: cfg.TableName},
		Clock:  clk,
		Auth: principal.Resolver{
			AdminClaimName:  cfg.AdminClaimName,
			AdminClaimValue: cfg.AdminClaimValue,
			DevAdminToken:   cfg.DevAdminToken,
			DevServiceToken: cfg.DevServiceToken,
		},
		Outbox: &messaging.Outbox{},
	}
}

// AdminDocs is what the admin-document engine needs: the table, the clock
// and the admin guard of its routes.
func (d *Deps) AdminDocs() admindoc.Env {
	return admindoc.Env{Table: d.Table, Clock: d.Clock, Guard: d.Auth.RequireAdmin}
}

// MustBuild is a Lambda cold start: Load, then build the function. It logs
// and exits when either fails, since a function without its configuration
// cannot answer anything.
func MustBuild(ctx context.Context, name string, build Builder) *httpapi.Router {
	deps, err := Load(ctx)
	if err == nil {
		var h *httpapi.Router
		if h, err = build(ctx, deps); err == nil {
			return h
		}
	}
	slog.Error("cold start failed", "function", name, "error", err.Error())
	os.Exit(1)
	return nil
}

// SectionFunction is the Builder of a function that serves exactly one
// configuration section.
func SectionFunction[T any](def admindoc.Definition[T]) Builder {
	return func(_ context.Context, d *Deps) (*httpapi.Router, error) {
		rt := httpapi.NewRouter()
		admindoc.Mount(rt, d.AdminDocs(), def)
		return rt, nil
	}
}
