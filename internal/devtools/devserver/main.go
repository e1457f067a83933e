// Command devserver is `make run`: DynamoDB Local plus every function's
// handler on one local HTTP server (default 127.0.0.1:3000), on exactly the
// routes template.yaml gives each function, like `sam local start-api`
// without a container per request. A route template.yaml guards with a
// Lambda authorizer (the session authorizer) runs that authorizer's real
// function first, as API Gateway does. A route authorized by IAM (AWS_IAM,
// the services' routes) reaches its function as it is: there is no IAM
// here, and the function takes the dev service token instead of a SigV4
// signature. SMS and email go to GET /_dev/outbox.
//
// The server is for the developer's own machine: it takes a well-known
// admin token and shows every code it "sends" to whoever asks. So it
// listens on the loopback address only, answers only requests addressed
// to a loopback name (a web page whose name an attacker re-points to
// 127.0.0.1 cannot read it), and lets only pages served from this machine
// call it from a browser.
//
// Environment: HOST (127.0.0.1; 0.0.0.0 to listen on every interface, as in
// a container), PORT (3000), DYNAMODB_PORT (8000), DYNAMODB_ENDPOINT (use a
// DynamoDB that is already running instead), CLIENTAREA_DEV_ADMIN_TOKEN
// (dev-admin), CLIENTAREA_DEV_SERVICE_TOKEN (dev-service), TABLE_NAME
// (clientarea-local), AWS_LAMBDA_LOG_LEVEL.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"clientarea/internal/devtools/devenv"
	"clientarea/internal/devtools/localapi"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/logging"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "devserver:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	slog.SetDefault(logging.New(os.Stdout, logging.ParseLevel(os.Getenv("AWS_LAMBDA_LOG_LEVEL"))))

	env, err := devenv.Open(ctx, devenv.Options{
		DynamoDBPort: devenv.DynamoDBPort(),
		Persist:      true,
		Logf:         func(f string, a ...any) { fmt.Printf(f+"\n", a...) },
	})
	if err != nil {
		return err
	}
	defer env.Close()

	mux, err := routes(ctx, env)
	if err != nil {
		return err
	}
	host := listenHost()
	addr := net.JoinHostPort(host, strconv.Itoa(envInt("PORT", 3000)))
	srv := &http.Server{Addr: addr, Handler: handler(mux, host), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Printf("\nClient Area dev server on http://%s\n", addr)
	if !loopback(host) {
		fmt.Printf("Listening on %s: anyone who can reach this address gets the admin token's rights and the codes in the outbox.\n", host)
	}
	fmt.Printf("Admin token: %s   (curl -H 'Authorization: Bearer %s' http://%s/admin/config/general)\n",
		env.Deps.Config.DevAdminToken, env.Deps.Config.DevAdminToken, addr)
	fmt.Printf("Service token: %s   (in place of IAM on the AWS_IAM routes: -H 'Authorization: Bearer %s')\n",
		env.Deps.Config.DevServiceToken, env.Deps.Config.DevServiceToken)
	fmt.Println("Outbox: GET /_dev/outbox. Ctrl-C stops the server and DynamoDB Local.")

	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
	}
	fmt.Println("\nstopping...")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// routes mounts each function's handler on the routes template.yaml gives
// it. A route that a Lambda authorizer guards runs that authorizer's
// function first, as API Gateway does (localapi.Guard); an IAM-authorized
// one reaches its function as it is.
func routes(ctx context.Context, env *devenv.Env) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	fns := localapi.Registry(ctx, env.Deps)
	for _, fn := range env.Template.Functions {
		if localapi.IsAuthorizerFunction(env.Template, fn.Name) {
			if _, err := fns.Authorizer(fn.Name); err != nil {
				return nil, fmt.Errorf("template.yaml function %s: %w", fn.LogicalID, err)
			}
			continue
		}
		h, err := fns.Handler(fn.Name)
		if err != nil {
			return nil, fmt.Errorf("template.yaml function %s: %w", fn.LogicalID, err)
		}
		if h, err = localapi.Guard(env.Template, fn.Name, h, fns); err != nil {
			return nil, fmt.Errorf("template.yaml function %s: %w", fn.LogicalID, err)
		}
		for _, r := range fn.Routes {
			mux.Handle(r.Pattern(), h)
			guard := ""
			if a, ok := env.Template.LambdaAuthorizerOf(r); ok {
				guard = " (after " + a.Function + ")"
			} else if env.Template.IAMAuthorized(r) {
				guard = " (AWS_IAM: the service token)"
			}
			fmt.Printf("  %-8s %-50s -> %s%s\n", r.Method, r.Path, fn.Name, guard)
		}
	}
	mux.Handle("/", devRoutes(env.Deps.Outbox))
	return mux, nil
}

// devRoutes serves what no function serves: the outbox, and every other
// path. It is a router like the functions', so its answers (a 404 for a
// mistyped path above all) carry a request id and are problem+json too.
func devRoutes(box *messaging.Outbox) *httpapi.Router {
	rt := httpapi.NewRouter()
	rt.Handle("GET /_dev/outbox", func(w http.ResponseWriter, _ *http.Request) error {
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"items": box.List()})
		return nil
	})
	return rt
}

// listenHost is the address to listen on: HOST, else the loopback address.
func listenHost() string {
	if h := strings.TrimSpace(os.Getenv("HOST")); h != "" {
		return h
	}
	return "127.0.0.1"
}

// loopback reports whether host (an address or a name, as HOST or a Host
// header gives it, without port) is this machine's loopback.
func loopback(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// handler is the server's handler for the routes in mux: CORS for local
// pages, and, when it listens on the loopback address, only requests
// addressed to a loopback name.
func handler(mux http.Handler, host string) http.Handler {
	h := withCORS(mux)
	if loopback(host) {
		h = loopbackHostOnly(h)
	}
	return h
}

// loopbackHostOnly refuses a request whose Host is not a loopback name.
// A browser sends the name of the page's site: a site whose DNS name an
// attacker points at 127.0.0.1 (DNS rebinding) is then the same origin as
// the dev server for the browser, but not for this check.
func loopbackHostOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !loopback(host) {
			refuse(w, r, "the dev server answers only requests to localhost or 127.0.0.1, not "+strconv.Quote(r.Host))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// localOrigin matches the origins of pages served from this machine:
// http or https, localhost, 127.0.0.1 or [::1], any port.
var localOrigin = regexp.MustCompile(`^https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$`)

// withCORS answers browsers the way the HTTP API's CORS configuration
// does for its allowed origins, with the pages of this machine as the
// allowed origins: a front end on another local port can call the dev
// server. A request from any other origin is refused before it reaches a
// route (API Gateway would only leave out the CORS headers; refusing it
// outright also keeps its side effects, such as a test SMS, from happening).
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r) // not a cross-origin browser request: curl, a test
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		if !localOrigin.MatchString(origin) {
			refuse(w, r, "origin "+strconv.Quote(origin)+" may not call the dev server; only pages on localhost or 127.0.0.1 may")
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "etag, retry-after, x-request-id")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "authorization, content-type, if-match, x-request-id")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers 403 forbidden as the routes' problem+json.
func refuse(w http.ResponseWriter, r *http.Request, detail string) {
	r = httpapi.WithRequestID(w, r)
	httpapi.WriteError(r.Context(), w, apperr.New(apperr.Forbidden, "forbidden", detail))
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}
