package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/httpapi"
)

var throttled = &smithy.OperationError{ServiceID: "Secrets Manager", OperationName: "GetSecretValue",
	Err: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}}

// builder fails with each of fails in turn, then builds a router that
// answers GET /ping; it counts its builds.
func builder(builds *int, fails ...error) Builder {
	return func(ctx context.Context, d *Deps) (*httpapi.Router, error) {
		*builds++
		if *builds <= len(fails) {
			return nil, fails[*builds-1]
		}
		rt := httpapi.NewRouter()
		rt.Handle("GET /ping", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteJSON(w, http.StatusOK, map[string]string{"pong": "yes"})
			return nil
		})
		return rt, nil
	}
}

func ping(t *testing.T, h http.Handler) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ping", nil))
	var p struct{ Code string }
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	return rec.Code, p.Code, rec.Header().Get("Retry-After")
}

// A cold start that finds Secrets Manager unavailable starts all the same:
// 503 unavailable with Retry-After, a new build at most once per
// RebuildInterval, and the function as usual from the first build that
// succeeds.
func TestColdStartWithADependencyUnavailableAnswers503UntilBuilt(t *testing.T) {
	clk := clock.NewFake(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	d := New(config.Config{TableName: "t"}, aws.Config{}, nil, clk)
	builds := 0
	h, err := Cold(t.Context(), "security", d, builder(&builds, fmt.Errorf("read the OTP key secret: %w", throttled),
		fmt.Errorf("read the OTP key secret: %w", context.DeadlineExceeded)))
	if err != nil {
		t.Fatal(err)
	}
	if status, code, ra := ping(t, h); status != 503 || code != "unavailable" || ra != "1" || builds != 1 {
		t.Fatalf("%d %s Retry-After %q after %d builds", status, code, ra, builds)
	}
	clk.Advance(RebuildInterval)
	if status, code, ra := ping(t, h); status != 503 || code != "unavailable" || ra != "1" || builds != 2 {
		t.Fatalf("%d %s Retry-After %q after %d builds", status, code, ra, builds)
	}
	clk.Advance(RebuildInterval / 2)
	if status, _, _ := ping(t, h); status != 503 || builds != 2 {
		t.Fatalf("%d after %d builds: built again within the interval", status, builds)
	}
	clk.Advance(RebuildInterval / 2)
	for range 3 {
		if status, _, _ := ping(t, h); status != 200 || builds != 3 {
			t.Fatalf("%d after %d builds", status, builds)
		}
	}
}

// Any other failure stops the cold start: the function does not start.
func TestColdStartFailsForGood(t *testing.T) {
	d := New(config.Config{TableName: "t"}, aws.Config{}, nil, clock.System{})
	builds := 0
	denied := &smithy.OperationError{ServiceID: "Secrets Manager", OperationName: "GetSecretValue",
		Err: &smithy.GenericAPIError{Code: "AccessDeniedException"}}
	for _, cause := range []error{errors.New("the OTP key: at least 32 bytes"), fmt.Errorf("read the OTP key secret: %w", denied)} {
		if h, err := Cold(t.Context(), "security", d, builder(&builds, cause)); err == nil || h != nil {
			t.Fatalf("%v: started (%v)", cause, err)
		}
		builds = 0
	}
}

// The handler's deadline is the invocation's less AnswerReserve, so that
// a call that never answers leaves it the time to answer 503.
func TestTheHandlerKeepsTimeToAnswer(t *testing.T) {
	var seen time.Time
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = r.Context().Deadline()
		w.WriteHeader(http.StatusNoContent)
	})
	deadline := time.Now().Add(5 * time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "GET /x", RawPath: "/x",
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/x"}}}
	res, err := LambdaHandler(h)(ctx, ev)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("%d %v", res.StatusCode, err)
	}
	if !seen.Equal(deadline.Add(-AnswerReserve)) {
		t.Fatalf("handler deadline %v, want %v", seen, deadline.Add(-AnswerReserve))
	}
}
