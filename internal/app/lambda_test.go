package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// What API Gateway vouches for reaches the handler: the caller's address
// and the claims of the JWT its authorizer verified.
func TestLambdaHandlerPassesWhatAPIGatewayVouchesFor(t *testing.T) {
	rt := httpapi.NewRouter()
	rt.Handle("GET /whoami", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{
			"ip": httpapi.SourceIP(r.Context()), "subject": principal.From(r.Context()).Subject,
		})
		return nil
	}, principal.Resolver{AdminClaimName: "cognito:groups", AdminClaimValue: "client-area-admin"}.RequireAdmin)
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "GET /whoami", RawPath: "/whoami",
		Headers: map[string]string{"x-forwarded-for": "203.0.113.66"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/whoami", SourceIP: "198.51.100.9"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": "admin-7", "cognito:groups": "[client-area-admin]"},
				},
			},
		},
	}
	res, err := LambdaHandler(rt)(context.Background(), ev)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("%d %v: %s", res.StatusCode, err, res.Body)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got["ip"] != "198.51.100.9" || got["subject"] != "admin-7" {
		t.Fatalf("the handler saw %v, want API Gateway's source address and the JWT's subject", got)
	}
}

// On a route API Gateway authorises with AWS_IAM, the caller whose
// signature it verified is the service the handler sees; no bearer token
// is needed (none is honoured inside Lambda).
func TestLambdaHandlerPassesTheIAMCaller(t *testing.T) {
	const arn = "arn:aws:sts::123456789012:assumed-role/withdrawals/i-0abc"
	rt := httpapi.NewRouter()
	rt.Handle("POST /tfa/operation-tokens/consume", func(w http.ResponseWriter, r *http.Request) error {
		p := principal.From(r.Context())
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subject": p.Subject, "service": p.Role == principal.Service})
		return nil
	}, principal.Resolver{}.RequireService)
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "POST /tfa/operation-tokens/consume", RawPath: "/tfa/operation-tokens/consume",
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-2", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/tfa/operation-tokens/consume", SourceIP: "10.0.0.7"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
					AccountID: "123456789012", CallerID: "AROAEXAMPLE:i-0abc", UserARN: arn,
				},
			},
		},
	}
	res, err := LambdaHandler(rt)(context.Background(), ev)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("%d %v: %s", res.StatusCode, err, res.Body)
	}
	var got struct {
		Subject string
		Service bool
	}
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Subject != arn || !got.Service {
		t.Fatalf("the handler saw %+v, want the IAM caller %s as a service", got, arn)
	}
	ev.RequestContext.Authorizer = nil // the same request without API Gateway's word is refused
	if res, err = LambdaHandler(rt)(context.Background(), ev); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without the IAM context: %d %v, want 401", res.StatusCode, err)
	}
}

// A function whose environment holds the dev admin token refuses its cold
// start inside Lambda, and its log says why. The cold start exits the
// process, so it runs in a child process of this test.
func TestColdStartRefusesTheDevAdminTokenInLambda(t *testing.T) {
	if os.Getenv("CLIENTAREA_TEST_COLD_START") == "1" {
		MustBuild(context.Background(), "probe", func(context.Context, *Deps) (*httpapi.Router, error) {
			return httpapi.NewRouter(), nil
		})
		os.Exit(0) // not reached when the cold start refuses
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestColdStartRefusesTheDevAdminTokenInLambda$")
	cmd.Env = []string{
		"CLIENTAREA_TEST_COLD_START=1", "TABLE_NAME=t", "AWS_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=clientarea-probe", "CLIENTAREA_DEV_ADMIN_TOKEN=dev-admin",
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the cold start did not refuse (%v): %s", err, out)
	}
	if !strings.Contains(string(out), "cold start failed") || !strings.Contains(string(out), "CLIENTAREA_DEV_ADMIN_TOKEN is set in Lambda function clientarea-probe") {
		t.Fatalf("the log does not say why: %s", out)
	}
}
