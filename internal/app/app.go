// Package app builds, once per process, what every function shares: the
// configuration, the logger, the AWS SDK configuration, the table, the clock
// and authorization. It imports no section: each function's wiring (a
// Builder, in its own package) takes what it needs from Deps, so a
// function's binary links and initialises only its own code. The registry
// of all functions, for the local tools and tests, is package functions.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"clientarea/internal/admindoc"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/apperr"
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

// MustBuild is a Lambda cold start: Load, then build the function (Cold).
// It logs and exits when either fails for good, since a function without
// its configuration cannot answer anything; a dependency that is only
// unavailable for now leaves a function that answers 503 until it can be
// built (Cold).
func MustBuild(ctx context.Context, name string, build Builder) http.Handler {
	deps, err := Load(ctx)
	if err == nil {
		var h http.Handler
		if h, err = Cold(ctx, name, deps, build); err == nil {
			return h
		}
	}
	slog.Error("cold start failed", "function", name, "error", err.Error())
	os.Exit(1)
	return nil
}

// ColdBuildTimeout bounds a build at cold start (Lambda allows an init
// phase 10 s), and RebuildInterval is the least time between two builds
// of a function whose cold start found a dependency unavailable.
const (
	ColdBuildTimeout = 4 * time.Second
	RebuildInterval  = time.Second
)

// Cold builds the function from d as a cold start does. When the build
// fails because an AWS service it reads from is unavailable for now
// (awsclients.Unavailable: Secrets Manager throttled, failing, slow or
// unreachable while the OTP key is read), the function starts all the
// same: its handler answers every request 503 unavailable with
// Retry-After, and builds again at the first request at least
// RebuildInterval after the last try (one build at a time, within that
// request's deadline); from the first build that succeeds it serves as
// usual. Any other failure (the configuration, a missing or short key, a
// secret it may not read) is returned: the function does not start, which
// Lambda reports as an init error, and API Gateway answers 500.
func Cold(ctx context.Context, name string, d *Deps, build Builder) (http.Handler, error) {
	bctx, cancel := context.WithTimeout(ctx, ColdBuildTimeout)
	defer cancel()
	h, err := build(bctx, d)
	if err == nil {
		return h, nil
	}
	if _, unavailable := awsclients.Unavailable(err); !unavailable {
		return nil, err
	}
	slog.Error("cold start: a dependency is unavailable; answering 503 until the function can be built",
		"function", name, "error", err.Error())
	p := &pending{name: name, deps: d, build: build, err: err, next: d.Clock.Now().Add(RebuildInterval)}
	return p, nil
}

// pending is a function whose cold start found a dependency unavailable:
// it answers 503 and builds again until a build succeeds.
type pending struct {
	name  string
	deps  *Deps
	build Builder
	ready atomic.Pointer[httpapi.Router]

	mu   sync.Mutex // held while building
	err  error      // the last build's failure
	next time.Time  // no build before then
}

func (p *pending) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := p.ready.Load(); h != nil {
		h.ServeHTTP(w, r)
		return
	}
	h, wait, err := p.tryBuild(r.Context())
	if h != nil {
		h.ServeHTTP(w, r)
		return
	}
	if _, unavailable := awsclients.Unavailable(err); !unavailable && !errors.Is(err, errBuilding) {
		httpapi.WriteError(r.Context(), w, apperr.Internalf("build "+p.name, err))
		return
	}
	httpapi.WriteError(r.Context(), w, &apperr.Error{Kind: apperr.Unavailable, Code: "unavailable",
		Detail:     "the service is starting and a dependency is unavailable; try again shortly",
		RetryAfter: max(wait, RebuildInterval), Op: "build " + p.name, Err: err})
}

// tryBuild builds the function unless another request is building it or
// the last try was less than RebuildInterval ago. It returns the handler,
// or how long until the next try and the last failure.
func (p *pending) tryBuild(ctx context.Context) (*httpapi.Router, time.Duration, error) {
	if !p.mu.TryLock() {
		return nil, RebuildInterval, errBuilding
	}
	defer p.mu.Unlock()
	if h := p.ready.Load(); h != nil {
		return h, 0, nil
	}
	now := p.deps.Clock.Now()
	if now.Before(p.next) {
		return nil, p.next.Sub(now), p.err
	}
	bctx, cancel := context.WithTimeout(ctx, ColdBuildTimeout)
	defer cancel()
	h, err := p.build(bctx, p.deps)
	if err == nil {
		p.ready.Store(h)
		slog.Info("cold start completed: the function could be built", "function", p.name)
		return h, 0, nil
	}
	p.err, p.next = err, p.deps.Clock.Now().Add(RebuildInterval)
	return nil, RebuildInterval, err
}

// errBuilding answers a request that came while another one was building
// the function.
var errBuilding = errors.New("another request is building the function")

// SectionFunction is the Builder of a function that serves exactly one
// configuration section.
func SectionFunction[T any](def admindoc.Definition[T]) Builder {
	return func(_ context.Context, d *Deps) (*httpapi.Router, error) {
		rt := httpapi.NewRouter()
		admindoc.Mount(rt, d.AdminDocs(), def)
		return rt, nil
	}
}
