// Command coldstart is `make bench-coldstart`: it measures the cold start
// of every Lambda function under functions/ against a hello-world
// aws-lambda-go function built the same way.
//
//	go run ./internal/devtools/coldstart [-n 15] [-json] [-buildflags '<GO_LAMBDA_FLAGS>']
//
// It builds the functions and the baseline (internal/devtools/coldstart/hello)
// with the Makefile's flags into .cache/coldstart (host architecture, run
// here) and .cache/coldstart/arm64 (the deployed architecture, only sized).
// Then it starts each binary n times as a Lambda sandbox would: the
// sandbox's environment and the template's, a Runtime API of its own
// (package runtimeapi) on loopback, DynamoDB Local with the service's
// table. Each start gets one real sample event from events/ (a GET), or,
// for a function without one, an event made here (events.go): the session
// authorizer an authorizer request carrying the token of a session the
// bench created, the auth function a refresh of an unknown session, the
// me function GET /me of an admitted session of no client. A wrong
// answer fails the run, since timing a broken function tells nothing.
//
// Per row it reports Init (exec → the runtime's first /next, Lambda's init
// phase) and first response (exec → the answer to the first event) and how
// far both are above the baseline, with pass/fail against the targets in
// report.go. Missing a target does not fail the run.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"clientarea/internal/devtools/localapi"
	"clientarea/internal/devtools/samtemplate"
)

func main() {
	n := flag.Int("n", 15, "measured cold starts per binary")
	asJSON := flag.Bool("json", false, "print JSON instead of the table")
	buildFlags := flag.String("buildflags", defaultBuildFlags, "go build flags of the functions (the Makefile's GO_LAMBDA_FLAGS)")
	flag.Parse()
	if err := run(*n, *asJSON, *buildFlags); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "coldstart: "+format+"\n", args...) }

func run(n int, asJSON bool, buildFlags string) error {
	if n < 1 {
		return fmt.Errorf("-n must be at least 1, is %d", n)
	}
	ctx := context.Background()
	tpl, err := samtemplate.Find()
	if err != nil {
		return err
	}
	b := &bench{}
	defer b.close()
	go b.closeOnSignal()
	if err := b.prepare(ctx, tpl, buildFlags); err != nil {
		return err
	}
	logf("%d rows, 1 warm-up + %d measured starts each", len(b.targets), n)
	if err := measure(b.targets, n, logf); err != nil {
		return err
	}
	dbCalls, err := dbFirstCalls(ctx, b.dbEndpoint, n)
	if err != nil {
		return err
	}
	rep, err := newReport(b.targets, n, dbCalls, nil)
	if err != nil {
		return err
	}
	if asJSON {
		return rep.writeJSON(os.Stdout)
	}
	return rep.writeTable(os.Stdout)
}

// bench is what a run measures and the servers it runs against.
type bench struct {
	targets    []*target // the baseline first
	dbEndpoint string

	mu      sync.Mutex
	closers []func()
	closed  bool
}

func (b *bench) onClose(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closers = append(b.closers, f)
}

// close stops the servers, last started first, once.
func (b *bench) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.closers) - 1; i >= 0 && !b.closed; i-- {
		b.closers[i]()
	}
	b.closed = true
}

// closeOnSignal stops the servers on Ctrl-C: DynamoDB Local runs in a
// process group of its own, so the terminal's signal does not reach it.
func (b *bench) closeOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	b.close()
	os.Exit(130)
}

// prepare builds the binaries, starts what they need (DynamoDB Local, a
// fake Secrets Manager) and makes the rows.
func (b *bench) prepare(ctx context.Context, tpl *samtemplate.Template, buildFlags string) error {
	flags, err := splitFlags(buildFlags)
	if err != nil {
		return err
	}
	names, err := functionNames(tpl.Dir)
	if err != nil {
		return err
	}
	configs, err := functionConfigs(tpl)
	if err != nil {
		return err
	}
	logf("building %d functions and the hello-world baseline (go build %s)", len(names), buildFlags)
	hostDir, armDir, err := buildDirs(tpl.Dir, flags, names)
	if err != nil {
		return err
	}
	logf("starting DynamoDB Local")
	db, err := startDynamoDB(ctx, tpl)
	if err != nil {
		return err
	}
	b.onClose(db.Stop)
	b.dbEndpoint = db.Endpoint
	rb := rowBuilder{tpl: tpl, root: tpl.Dir, hostDir: hostDir, armDir: armDir, configs: configs, dbEndpoint: db.Endpoint, onClose: b.onClose}
	b.targets, err = rb.rows(names)
	return err
}

// rowBuilder makes the table's rows.
type rowBuilder struct {
	tpl                   *samtemplate.Template
	root, hostDir, armDir string
	configs               map[string]fnConfig
	dbEndpoint            string
	onClose               func(func()) // stops a server at the end
}

// rows is the baseline, then each function, then, right after a function
// that reads its OTP key from Secrets Manager, a second row that does.
func (b *rowBuilder) rows(names []string) ([]*target, error) {
	var out []*target
	for _, name := range names {
		t, err := b.function(name)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if arn, ok := lookupVar(t.config.env, "OTP_KEY_SECRET_ARN"); ok {
			extra, err := b.withSecretsManager(t, arn)
			if err != nil {
				return nil, err
			}
			t.config.env = withoutVar(t.config.env, "OTP_KEY_SECRET_ARN")
			t.extra = append(t.extra, "CLIENTAREA_OTP_KEY="+randomKey())
			t.note = withNote(t.note, "OTP key from CLIENTAREA_OTP_KEY, OTP_KEY_SECRET_ARN unset: the Secrets Manager read at cold start is not timed in this row (see "+extra.name+")")
			out = append(out, extra)
		}
		sms, err := b.withFirstSMS(t)
		if err != nil {
			return nil, err
		}
		if sms != nil {
			out = append(out, sms)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no functions under %s", filepath.Join(b.root, "functions"))
	}
	// The baseline gets the sandbox of the first function answering a
	// sample of events/ (the first function, if none does) without its
	// variables, and that event, which it ignores: it reads as much from
	// /next.
	like := out[0]
	if i := slices.IndexFunc(out, func(t *target) bool { return strings.HasPrefix(t.event.path, "events") }); i >= 0 {
		like = out[i]
	}
	sandbox := like.config
	sandbox.env = nil
	hello := &target{name: "hello", fn: "hello", bin: filepath.Join(b.hostDir, "hello"),
		arm64: filepath.Join(b.armDir, "hello"), config: sandbox,
		event: sampleEvent{path: like.event.path, body: like.event.body, want: 200},
		note:  "aws-lambda-go hello world (internal/devtools/coldstart/hello), the baseline of the Δ columns"}
	return append([]*target{hello}, out...), nil
}

func (b *rowBuilder) function(name string) (*target, error) {
	cfg, ok := b.configs[name]
	if !ok {
		return nil, fmt.Errorf("functions/%s has no function in template.yaml", name)
	}
	ev, err := b.event(name)
	if err != nil {
		return nil, err
	}
	t := &target{name: name, fn: name, bin: filepath.Join(b.hostDir, name), arm64: filepath.Join(b.armDir, name),
		config: cfg, extra: []string{"DYNAMODB_ENDPOINT=" + b.dbEndpoint}, event: ev}
	if len(ev.reset) > 0 {
		t.verify = func() error { return forget(context.Background(), b.dbEndpoint, ev.reset...) }
	}
	switch {
	case localapi.IsAuthorizerFunction(b.tpl, name):
		t.note = "the session authorizer admitting a live session: one BatchGetItem (the session and the session settings)"
	}
	return t, nil
}

// event is what fn gets: an authorizer request for an authorizer
// function, a made event for a function without a GET to time, or else
// its first GET in events/ expected to succeed.
func (b *rowBuilder) event(fn string) (sampleEvent, error) {
	if localapi.IsAuthorizerFunction(b.tpl, fn) {
		route, ok := guardedRoute(b.tpl, fn)
		if !ok {
			return sampleEvent{}, fmt.Errorf("the authorizer function %s guards no route in template.yaml", fn)
		}
		token, err := liveSession(context.Background(), b.dbEndpoint)
		if err != nil {
			return sampleEvent{}, err
		}
		return authorizerEvent(route, token)
	}
	if made, ok := madeEvents[fn]; ok {
		return made(), nil
	}
	return pickEvent(b.root, fn)
}

// guardedRoute is the first route (in name order) that the authorizer
// function fn decides.
func guardedRoute(tpl *samtemplate.Template, fn string) (string, bool) {
	var routes []string
	for _, f := range tpl.Functions {
		for _, r := range f.Routes {
			if a, ok := tpl.LambdaAuthorizerOf(r); ok && a.Function == fn {
				routes = append(routes, r.Pattern())
			}
		}
	}
	slices.Sort(routes)
	if len(routes) == 0 {
		return "", false
	}
	return routes[0], true
}

// withSecretsManager is t as deployed: it reads its OTP key from the secret
// arn at cold start, here from a fake Secrets Manager.
func (b *rowBuilder) withSecretsManager(t *target, arn string) (*target, error) {
	sm, err := startSecrets(arn, randomKey())
	if err != nil {
		return nil, err
	}
	b.onClose(sm.Close)
	c := *t
	c.name = t.name + "+secretsmanager"
	// Each start must read the key once, or this row times something else.
	var starts int64
	c.verify = func() error {
		if starts++; sm.reads.Load() != starts {
			return fmt.Errorf("%d cold starts read the OTP key from Secrets Manager %d times", starts, sm.reads.Load())
		}
		return nil
	}
	c.extra = append([]string{"SECRETSMANAGER_ENDPOINT=" + sm.URL}, t.extra...)
	c.verify = then(t.verify, c.verify)
	c.note = withNote(t.note, "OTP key read at cold start (GetSecretValue) from a fake Secrets Manager on loopback: the SDK's cost is timed, not AWS's network and TLS")
	return &c, nil
}

// withFirstSMS is t answering, as its first event, one that sends an SMS
// (to a fake SNS): the row of the one-off work only those routes do (phone
// number metadata on first use, the OTP engine's first transaction). Nil
// when t has no such event.
func (b *rowBuilder) withFirstSMS(t *target) (*target, error) {
	ev, ok, err := pickSMSEvent(b.root, t.fn)
	if err != nil || !ok {
		return nil, err
	}
	sns, err := startSNS()
	if err != nil {
		return nil, err
	}
	b.onClose(sns.Close)
	c := *t
	c.name = t.name + "+first-sms"
	c.oneOff = true
	c.event = ev
	c.extra = append([]string{"SNS_ENDPOINT=" + sns.URL}, t.extra...)
	var starts int64
	c.verify = then(t.verify, func() error {
		if starts++; sns.publishes.Load() != starts {
			return fmt.Errorf("%d cold starts sent %d SMS", starts, sns.publishes.Load())
		}
		// Every start sends to the same number: forget its send limits.
		return forgetSendLimits(context.Background(), b.dbEndpoint)
	})
	c.note = "first event sends an SMS (" + ev.path + ") to a fake SNS on loopback: includes the phone metadata's first use, the OTP engine's first write and the SNS client's first call; a one-off cost of the SMS routes, held to no first-response target"
	return &c, nil
}

// withNote is note after the row's own one, if any.
func withNote(own, note string) string {
	if own == "" {
		return note
	}
	return own + "; " + note
}

// then is a verify that runs first and then second (either may be nil).
func then(first, second func() error) func() error {
	if first == nil {
		return second
	}
	return func() error {
		if err := first(); err != nil {
			return err
		}
		if second == nil {
			return nil
		}
		return second()
	}
}

// randomKey is an OTP key like the template's generated secret: 64
// characters, 32 random bytes.
func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
