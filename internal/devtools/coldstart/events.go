package main

// The event each function gets: a real sample from events/, one whose
// answer is known, so that a broken function fails the run instead of
// being timed.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/app"
	"clientarea/internal/platform/principal"
)

// sampleEvent is an event file and the status its answer must have.
type sampleEvent struct {
	path string // relative to the repository root, or what a made event is
	body []byte
	want int
	// check, when set, judges the answer instead of want (an authorizer's
	// answer is no HTTP response).
	check func(answer []byte) error
	// reset are the key prefixes of the items a start leaves behind that
	// would change the next start's answer (a failed login counts towards
	// a lockout): they are deleted after each start.
	reset []string
}

// pickEvent is the first event of fn (in file name order, the order
// events/ runs them in) that is a GET expected to succeed: it needs no
// earlier event to have run, so it works on an empty table.
func pickEvent(root, fn string) (sampleEvent, error) {
	ev, ok, err := findEvent(root, fn, func(_, method string, want int) bool { return method == "GET" && want >= 200 && want <= 299 })
	if err == nil && !ok {
		err = fmt.Errorf("events/%s has no GET event expected to succeed in events/expectations.json", fn)
	}
	return ev, err
}

// pickSMSEvent is the first event of fn that sends an SMS: a POST answered
// 202 whose file name says "sms" (other 202s, a password reset by email
// say, send none). ok is false when fn has none.
func pickSMSEvent(root, fn string) (sampleEvent, bool, error) {
	return findEvent(root, fn, func(name, method string, want int) bool {
		return method == "POST" && want == 202 && strings.Contains(name, "sms")
	})
}

// findEvent is the first event of fn, in file name order, that fits.
func findEvent(root, fn string, fits func(name, method string, want int) bool) (sampleEvent, bool, error) {
	expect, err := expectations(root)
	if err != nil {
		return sampleEvent{}, false, err
	}
	entries, err := os.ReadDir(filepath.Join(root, "events", fn))
	if errors.Is(err, fs.ErrNotExist) {
		return sampleEvent{}, false, nil
	}
	if err != nil {
		return sampleEvent{}, false, err
	}
	for _, e := range entries {
		want, ok := expect[fn+"/"+e.Name()]
		if !ok {
			continue
		}
		path := filepath.Join("events", fn, e.Name())
		body, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			return sampleEvent{}, false, err
		}
		if fits(e.Name(), method(body), want) {
			return sampleEvent{path: path, body: body, want: want}, true, nil
		}
	}
	return sampleEvent{}, false, nil
}

// expectations is events/expectations.json: the status of each event.
func expectations(root string) (map[string]int, error) {
	data, err := os.ReadFile(filepath.Join(root, "events", "expectations.json"))
	if err != nil {
		return nil, err
	}
	var m map[string]int
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("events/expectations.json: %w", err)
	}
	return m, nil
}

// method is an HTTP API (payload 2.0) event's HTTP method.
func method(event []byte) string {
	var e struct {
		RequestContext struct {
			HTTP struct {
				Method string `json:"method"`
			} `json:"http"`
		} `json:"requestContext"`
	}
	_ = json.Unmarshal(event, &e)
	return strings.ToUpper(e.RequestContext.HTTP.Method)
}

// madeEvents are the events of the functions that have no GET in events/
// to time: made here, with the answer they must get.
var madeEvents = map[string]func() sampleEvent{
	"auth":     refreshOfAnUnknownToken,
	"me":       func() sampleEvent { return unknownClientGET("/me") },
	"accounts": func() sampleEvent { return unknownClientGET("/me/accounts") },
}

// refreshOfAnUnknownToken is POST /auth/refresh with a well-formed
// refresh token of no session: 401 unauthenticated, after reading the
// configuration (one Query) and the session (one GetItem). A login would
// time one argon2id hash (about 100 ms: the route's cost, which make bench
// measures), not the cold start.
func refreshOfAnUnknownToken() sampleEvent {
	const route, path = "POST /auth/refresh", "/auth/refresh"
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: route, RawPath: path,
		Headers: map[string]string{"content-type": "application/json", "host": "abc123.execute-api.us-east-1.amazonaws.com"},
		Body:    `{"refresh_token":"AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: route, Stage: "$default", RequestID: "coldstart-refresh",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.10"},
		},
	}
	body, _ := json.Marshal(ev)
	return sampleEvent{path: "(made) POST /auth/refresh, unknown session", body: body, want: 401}
}

// unknownClientGET is a GET of path (a client's own route: /me...) as API
// Gateway passes it once the session authorizer admitted the session (its
// context in the event), of a client that does not exist: 401
// unauthenticated, after reading the client (one GetItem). A real client
// would need a sign-up first; this times the same cold start and first
// DynamoDB call.
func unknownClientGET(path string) sampleEvent {
	route := "GET " + path
	s := principal.Session{Verdict: principal.VerdictOK, ClientID: "coldstart-no-such-client", SessionID: "coldstart-session", Scope: principal.ScopeFull}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: route, RawPath: path,
		Headers: map[string]string{"authorization": "Bearer coldstart", "host": "abc123.execute-api.us-east-1.amazonaws.com"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: route, Stage: "$default", RequestID: "coldstart-client",
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.10"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: s.AuthorizerContext()},
		},
	}
	body, _ := json.Marshal(ev)
	return sampleEvent{path: "(made) " + route + ", an admitted session of no client", body: body, want: 401}
}

// authorizerEvent is the request API Gateway sends the session authorizer
// for routeKey with token (app.AuthorizerRequest, as the local tools make
// it); the answer must admit the session: isAuthorized true, verdict ok.
func authorizerEvent(routeKey, token string) (sampleEvent, error) {
	method, path, _ := strings.Cut(routeKey, " ")
	r, err := http.NewRequest(method, path, nil)
	if err != nil {
		return sampleEvent{}, err
	}
	r.Host = "abc123.execute-api.us-east-1.amazonaws.com"
	r.RemoteAddr = "203.0.113.10:443"
	r.Header.Set("Authorization", "Bearer "+token)
	body, err := json.Marshal(app.AuthorizerRequest(r, routeKey))
	if err != nil {
		return sampleEvent{}, err
	}
	return sampleEvent{path: "(made) authorizer request for " + routeKey + ", a live session", body: body, check: sessionAdmitted}, nil
}

// sessionAdmitted fails unless the authorizer's answer admits the session.
func sessionAdmitted(answer []byte) error {
	var resp events.APIGatewayV2CustomAuthorizerSimpleResponse
	if err := json.Unmarshal(answer, &resp); err != nil {
		return fmt.Errorf("the answer is no authorizer response: %v: %.200s", err, answer)
	}
	if s := principal.SessionFromAuthorizer(resp.Context); !resp.IsAuthorized || s.Verdict != principal.VerdictOK {
		return fmt.Errorf("the session was not admitted: %.300s", answer)
	}
	return nil
}

// checkStatus fails unless the Lambda response is an HTTP API response
// with the wanted status.
func checkStatus(resp []byte, want int) error {
	var r struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return fmt.Errorf("the response is no HTTP API response: %v: %.200s", err, resp)
	}
	if r.StatusCode != want {
		return fmt.Errorf("status %d, want %d: %.300s", r.StatusCode, want, r.Body)
	}
	return nil
}
