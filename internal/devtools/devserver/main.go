// Command devserver is `make run`: DynamoDB Local plus every function's
// handler on one local HTTP server (default :3000), on exactly the routes
// template.yaml gives each function, like `sam local start-api` without a
// container per request. SMS and email go to GET /_dev/outbox.
//
// Environment: PORT (3000), DYNAMODB_PORT (8000), DYNAMODB_ENDPOINT (use a
// DynamoDB that is already running instead), CLIENTAREA_DEV_ADMIN_TOKEN
// (dev-admin), TABLE_NAME (clientarea-local), AWS_LAMBDA_LOG_LEVEL.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"clientarea/internal/app/registry"
	"clientarea/internal/devtools/devenv"
	"clientarea/internal/messaging"
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
	addr := ":" + strconv.Itoa(envInt("PORT", 3000))
	srv := &http.Server{Addr: addr, Handler: withCORS(mux), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Printf("\nClient Area dev server on http://localhost%s\n", addr)
	fmt.Printf("Admin token: %s   (curl -H 'Authorization: Bearer %s' http://localhost%s/admin/config/general)\n",
		env.Deps.Config.DevAdminToken, env.Deps.Config.DevAdminToken, addr)
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

// routes mounts each function's handler on the routes template.yaml gives it.
func routes(ctx context.Context, env *devenv.Env) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	for _, fn := range env.Template.Functions {
		h, err := registry.Build(ctx, fn.Name, env.Deps)
		if err != nil {
			return nil, fmt.Errorf("template.yaml function %s: %w", fn.LogicalID, err)
		}
		for _, r := range fn.Routes {
			mux.Handle(r.Pattern(), h)
			fmt.Printf("  %-8s %-50s -> %s\n", r.Method, r.Path, fn.Name)
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

// withCORS answers browsers the way the HTTP API's CORS configuration does,
// so a front end on another local port can call the dev server.
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "etag, retry-after, x-request-id")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "authorization, content-type, if-match, x-request-id")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}
