// Command contract is `make contract`: it proves docs/openapi.yaml against
// the running service with Schemathesis.
//
// It starts a throwaway stack of its own (DynamoDB Local in memory and the
// dev server of `make run`, on free ports, with a fake Amazon Translate on
// loopback so that machine translation answers too), sets up data through
// the API (two clients signed up at /auth/signup, a level, a status, an
// account, an audit entry, spare sessions, an operation token), and runs
// Schemathesis over every operation of docs/openapi.yaml with
// internal/devtools/contract/schemathesis.toml: admin operations with the
// admin token, client operations with a session of the first client, the
// service operation with the service token, each as its security scheme
// says. A proxy between the two keeps that session alive when an
// operation ends it (proxy.go). Then it reads the dev server's log and
// prints, per operation, the answers the server gave, failing when an
// operation was never reached past authentication. It stops the stack
// whatever happens.
//
//	contract -devserver .cache/bin/devserver -schemathesis .cache/venv/bin/schemathesis [-- schemathesis run flags]
//
// The exit status is Schemathesis's (non-zero on any failed check), or 1
// when the stack could not be set up, the session could not be renewed or
// the coverage check failed. Everything it writes goes to .cache/contract/:
// the run's settings and dictionaries, the dev server's log, and
// Schemathesis's JSON report.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/samtemplate"
)

func main() {
	os.Exit(run())
}

func run() int {
	devserver := flag.String("devserver", ".cache/bin/devserver", "the dev server binary (go build ./internal/devtools/devserver)")
	st := flag.String("schemathesis", ".cache/venv/bin/schemathesis", "the Schemathesis command")
	port := flag.Int("port", 0, "dev server port (0: a free one)")
	ddbPort := flag.Int("dynamodb-port", 0, "DynamoDB Local port (0: a free one)")
	spec := flag.String("spec", "docs/openapi.yaml", "the OpenAPI document to prove")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := contract(ctx, options{devserver: *devserver, schemathesis: *st, spec: *spec, port: *port, ddbPort: *ddbPort, extra: flag.Args()})
	if err == nil {
		fmt.Println("contract: passed")
		return 0
	}
	for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
		fmt.Fprintln(os.Stderr, "contract:", line)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		return exit.ExitCode()
	}
	return 1
}

type options struct {
	devserver, schemathesis, spec string
	port, ddbPort                 int
	extra                         []string // more `schemathesis run` arguments
}

func contract(ctx context.Context, opt options) error {
	tpl, err := samtemplate.Find()
	if err != nil {
		return err
	}
	root := tpl.Dir
	for _, p := range []*string{&opt.devserver, &opt.schemathesis, &opt.spec} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(root, *p)
		}
	}
	spec := opt.spec
	ops, err := loadOperations(spec)
	if err != nil {
		return err
	}
	if _, err := os.Stat(opt.schemathesis); err != nil {
		return fmt.Errorf("Schemathesis is not installed (%v): run `make tools`", err)
	}
	work := filepath.Join(root, ".cache", "contract")
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}

	// The stack: DynamoDB Local (in memory), a fake Translate, the dev server.
	start := time.Now()
	jar, err := dynamolocal.Jar(root)
	if err != nil {
		return err
	}
	db, err := dynamolocal.Start(ctx, jar, dynamolocal.Options{Port: opt.ddbPort})
	if err != nil {
		return err
	}
	defer db.Stop()
	translate, err := startFakeTranslate()
	if err != nil {
		return err
	}
	defer translate.Close()
	logPath := filepath.Join(work, "devserver.log")
	srv, err := startDevServer(ctx, opt.devserver, opt.port, map[string]string{
		"DYNAMODB_ENDPOINT":  db.Endpoint,
		"TRANSLATE_ENDPOINT": translate.URL,
	}, logPath)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("contract: stack up in %s: dev server %s (log %s), DynamoDB Local %s\n",
		time.Since(start).Round(100*time.Millisecond), srv.URL, rel(root, logPath), db.Endpoint)

	fx, err := setUp(ctx, srv.URL)
	if err != nil {
		return fmt.Errorf("set up the data: %w (see %s)", err, rel(root, logPath))
	}
	fmt.Printf("contract: client %s signed up (%s), level %s, status %s, account %s\n",
		fx.ClientID, fx.Email, fx.Level, fx.Status, fx.AccountID)
	if err := writeRunConfig(root, work, fx); err != nil {
		return err
	}

	sessionOps := newMatcher(ops, func(o operation) bool { return o.Uses("clientSession") })
	proxy, err := startSessionProxy(srv.URL, fx.SessionToken, sessionOps, logIn(srv.URL, fx))
	if err != nil {
		return err
	}
	defer proxy.Close()

	report := filepath.Join(work, "report.json")
	args := append([]string{"--config-file", filepath.Join(work, "schemathesis.toml"), "run", spec,
		"--url", proxy.URL, "--no-color", "--report", "json", "--report-json-path", report}, opt.extra...)
	cmd := exec.CommandContext(ctx, opt.schemathesis, args...)
	cmd.Dir = work
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"CONTRACT_ADMIN_TOKEN="+adminToken,
		"CONTRACT_SERVICE_TOKEN="+serviceToken,
		"CONTRACT_SESSION_TOKEN="+fx.SessionToken,
	)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	runErr := cmd.Run()

	srv.Stop()
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", runErr)
	}
	// What the server saw, whatever Schemathesis concluded.
	cov, err := analyseLog(logPath, ops)
	if err != nil {
		return errors.Join(runErr, err)
	}
	cov.Print(os.Stdout)
	var problems []error
	if runErr != nil {
		problems = append(problems, fmt.Errorf("schemathesis: %w", runErr))
	}
	sessions, err := proxy.Report()
	fmt.Println("contract:", sessions)
	if err != nil {
		problems = append(problems, err)
	}
	problems = append(problems, cov.Problems()...)
	return errors.Join(problems...)
}

const (
	adminToken   = "dev-admin"
	serviceToken = "dev-service"
)

// rel is path relative to root, for messages.
func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}
