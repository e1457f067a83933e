// Command loadtest drives the dev server of `make run` with many concurrent
// clients and checks what must hold under load:
//
//	go run ./internal/devtools/loadtest [-base http://127.0.0.1:3000] [-clients 500] [-duration 60s] [-max-requests N]
//	go run ./internal/devtools/testenv -- go run ./internal/devtools/loadtest -serve .cache/bin/devserver
//
// The second form (make load) starts a dev server of its own on a free
// port, over a DynamoDB Local in memory, and stops both afterwards.
//
// The workload, all at once:
//
//   - every virtual client signs up (email and phone confirmed: the
//     emailed token and the SMS code read from /_dev/outbox), opens more
//     accounts at once than max_accounts allows, earns an operation token
//     for a withdrawal with an SMS code and one for a deposit without and
//     has both consumed by the service route, turns SMS 2FA on, logs in
//     with 2FA and rotates its sign-up session's refresh token; then it
//     keeps reading its profile and accounts until the others are done;
//   - admins race PUTs of two configuration sections with If-Match on
//     purpose (several PUTs from one version at the same moment) while
//     another reads every section;
//   - every OTP code, emailed token, operation token and refresh token is
//     presented again, concurrently and once more afterwards;
//   - probes drive each limit past its size: sign-ups and SMS per source
//     address, SMS per number (and the resend cooldown), per subject and
//     stack-wide, logins per source address, the failed-login lockout,
//     wrong codes per challenge and the admin test SMS.
//
// Source addresses. The server counts the per-address limits by the
// connection's remote address and never reads X-Forwarded-For. Every
// address of 127.0.0.0/8 is this machine's loopback, so each virtual
// client connects from an address of its own (127.R.x.y, R random per run,
// so that a second run within the hour seldom finds the addresses' windows
// used): the server sees distinct callers without trusting any header, and
// each per-address limit can be driven past its size from one address
// while the others keep their headroom.
//
// Requests in flight. The dev server runs every function in one process
// on this machine's cores, where AWS would run an instance per request.
// Unbounded, 500 clients signing up at once hash 500 passwords at once
// (argon2id: 19 MiB and tens of milliseconds of CPU each): every request
// slows down together, the server's memory grows by gigabytes, and the
// requests time out. So at most -inflight requests (32) are in flight; the
// clients queue for them, a client further into its scenario first, and the
// latencies printed are the server's, without that queue. -inflight 0
// lifts the bound.
//
// Before the workload it saves the general, documents, verification,
// security and registration sections and sets them for the run (config.go);
// afterwards it puts them back, even after Ctrl-C. It prints, per route,
// the answers by status and problem code with p50/p99 latency, how far the
// clients got, then the checks (no 5xx, no lost update, no double use,
// every limit held, ...), and exits 1 when one fails. Clients that the
// deadline stops halfway are no failure: the checks cover what they did.
//
// It is bounded: it talks only to a loopback base URL, starts no work in
// the last quarter (10 to 20 seconds) of the deadline (-duration, the whole
// run, checks included) or once -max-requests is nearly spent, cancels
// what is still under way halfway through that last stretch, and sends at
// most -max-requests requests in all; putting the sections back gets 30
// seconds more.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type options struct {
	base         string
	clients      int
	duration     time.Duration
	maxRequests  int64
	inflight     int
	admins       int
	ramp         time.Duration
	adminToken   string
	serviceToken string
	serve        string
	serverLog    string
}

func main() {
	os.Exit(run())
}

func run() int {
	var o options
	flag.StringVar(&o.base, "base", "http://127.0.0.1:3000", "the dev server (loopback only)")
	flag.IntVar(&o.clients, "clients", 500, "concurrent virtual clients")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "deadline of the whole run, checks included")
	flag.Int64Var(&o.maxRequests, "max-requests", 40000, "most requests the run sends, checks included")
	flag.IntVar(&o.inflight, "inflight", 32, "most requests in flight at once (0: no bound; see the package comment)")
	flag.IntVar(&o.admins, "admins", 4, "admins racing each other's PUTs on each of two sections")
	flag.DurationVar(&o.ramp, "ramp", 0, "the clients start spread over this time (default: three quarters of the workload's time)")
	flag.StringVar(&o.adminToken, "admin-token", envOr("CLIENTAREA_DEV_ADMIN_TOKEN", "dev-admin"), "the dev server's admin token")
	flag.StringVar(&o.serviceToken, "service-token", envOr("CLIENTAREA_DEV_SERVICE_TOKEN", "dev-service"), "the dev server's service token")
	flag.StringVar(&o.serve, "serve", "", "start this dev server binary on a free loopback port for the run (then -base is ignored)")
	flag.StringVar(&o.serverLog, "server-log", ".cache/loadtest-devserver.log", "with -serve: where the dev server's output goes")
	flag.Parse()
	if o.clients < 1 || o.clients > maxClients || o.duration < 10*time.Second || o.maxRequests < 1000 || o.admins < 2 {
		fmt.Fprintf(os.Stderr, "loadtest: need 1 <= -clients <= %d, -duration >= 10s, -max-requests >= 1000, -admins >= 2\n", maxClients)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var srv *server
	if o.serve != "" {
		var err error
		if srv, err = startServer(ctx, o.serve, o.serverLog); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			return 2
		}
		defer srv.stop()
		o.base = srv.base
	}
	base, err := loopbackBase(o.base)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		return 2
	}
	o.base = base

	r, err := newRunner(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		return 2
	}
	ok := r.run(ctx)
	if srv != nil {
		srv.report(r)
	}
	if !ok {
		return 1
	}
	return 0
}

// maxClients is how many client addresses the run's /16 holds (200 blocks
// of 250; the blocks above are the probes' and the admins').
const maxClients = 200 * 250

// loopbackBase checks that base is an http URL of this machine's IPv4
// loopback and returns it without a trailing slash, "localhost" spelled
// 127.0.0.1 (the source addresses are IPv4 loopback addresses).
func loopbackBase(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("-base %q: want http://127.0.0.1:<port>", base)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return "", fmt.Errorf("-base %q: want the server's root, without a path", base)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	switch {
	case err != nil || !ip.IsLoopback():
		return "", fmt.Errorf("-base %q: the load test talks only to this machine's loopback (127.0.0.0/8)", base)
	case !ip.Is4():
		return "", fmt.Errorf("-base %q: use an IPv4 loopback address: the clients connect from distinct 127.x.y.z addresses, and IPv6 has only ::1", base)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return u.Scheme + "://" + net.JoinHostPort(ip.String(), port), nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// runID names the run's clients: their emails carry it.
func runID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var errBudget = errors.New("request budget (-max-requests) spent")
