package faults_test

// The service under injected faults, through the functions' real handlers
// on DynamoDB Local: every fault is made inside the SDK (package faults),
// so its retryer, its error types and the service's handling of them are
// the ones that run in AWS.

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
	"clientarea/internal/testsupport/snstest"
)

// world is one test's service: a fresh table, the SNS of the functions (a
// local endpoint that records what was published), and a fault plan in
// the SDK configuration every handler is built from. The plan starts
// empty: a test sets up what it needs, then adds the fault it is about.
type world struct {
	t    *testing.T
	env  *apptest.Env
	plan *faults.Plan
	sns  *snstest.Server
	hang bool // the fault of the current case is Hang: faulted requests have a deadline
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := apptest.New(t)
	// Every injected failure is logged as the 5xx it causes; the
	// assertions are on the answers and the table.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	plan := faults.New()
	env.Deps.AWS = faults.FastRetries(plan.Apply(env.Deps.AWS))
	srv := snstest.New(t)
	env.Deps.Config.SNSEndpoint = srv.URL
	env.Deps.Config.NotificationTopicARN = apptest.ARN(t, "NotificationTopic")
	return &world{t: t, env: env, plan: plan, sns: srv}
}

// hangFor is the time a request has when its fault is Hang: what is left
// of a Lambda invocation for the handler's calls.
const hangFor = time.Second

// do sends r to h.
func (w *world) do(h http.Handler, r apptest.Request) *apptest.Response {
	w.t.Helper()
	return apptest.Do(w.t, h, r)
}

// faulted sends r, the request a fault is injected into, to h; under a
// Hang fault the request has a deadline, hangFor away, as in Lambda.
func (w *world) faulted(h http.Handler, r apptest.Request) *apptest.Response {
	w.t.Helper()
	if w.hang && r.Context == nil {
		ctx, cancel := context.WithTimeout(context.Background(), hangFor)
		defer cancel()
		r.Context = ctx
	}
	return apptest.Do(w.t, h, r)
}

// fault is one kind of failure and what the SDK does with it.
type fault struct {
	kind      faults.Kind
	attempts  int    // attempts the SDK makes before it gives up
	wait      string // the (least) Retry-After of the answer
	afterSend bool   // the service acted; only its answer is lost
}

func (f fault) String() string {
	if f.afterSend {
		return f.kind.String() + " after send"
	}
	return f.kind.String()
}

// tableFaults are DynamoDB failing a call: throttled, 5xx, the connection
// reset or timed out (each retried by the SDK, 3 attempts in all), or no
// answer before the request's deadline.
var tableFaults = []fault{
	{kind: faults.Throttle, attempts: 3, wait: "2"},
	{kind: faults.ServerError, attempts: 3, wait: "1"},
	{kind: faults.Unavailable, attempts: 3, wait: "1"},
	{kind: faults.ConnectionReset, attempts: 3, wait: "1"},
	{kind: faults.Timeout, attempts: 3, wait: "1"},
	{kind: faults.Hang, attempts: 1, wait: "1"},
}

// transactionFaults add the throttled transaction, which DynamoDB cancels
// and the SDK does not retry.
var transactionFaults = append(append([]fault(nil), tableFaults...), fault{kind: faults.TransactionThrottled, attempts: 1, wait: "2"})

// expect503 fails the test unless r is a clean 503 problem with code and
// a Retry-After of at least wait seconds, telling nothing of its cause.
func expect503(t *testing.T, r *apptest.Response, code, wait string) {
	t.Helper()
	p := r.ExpectProblem(t, http.StatusServiceUnavailable, code)
	if p["title"] != "Service Unavailable" || p["status"] != 503.0 || p["type"] != "urn:clientarea:problem:"+code || p["detail"] == "" {
		t.Fatalf("problem members: %s", r.Body)
	}
	got, err := strconv.Atoi(r.Header.Get("Retry-After"))
	min, _ := strconv.Atoi(wait)
	if err != nil || got < min {
		t.Fatalf("Retry-After %q, want at least %s", r.Header.Get("Retry-After"), wait)
	}
	for _, leak := range []string{"Exception", "dynamodb", "DynamoDB", "SNS", "Throttl", "deadline", "connection", "Internal"} {
		if strings.Contains(string(r.Body), leak) {
			t.Fatalf("the problem tells its cause (%q): %s", leak, r.Body)
		}
	}
}

// expectAttempts fails the test unless the plan failed want attempts of
// service's operation: the SDK's first and its retries.
func (w *world) expectAttempts(service, op string, want int) {
	w.t.Helper()
	if failed := w.plan.Injected(service, op); failed != want {
		w.t.Fatalf("%s %s: %d attempts failed, want %d (of %d made)", service, op, failed, want, w.plan.Attempts(service, op))
	}
}

// sms are the SMS that reached SNS for number.
func (w *world) sms(number string) []snstest.Publish {
	var out []snstest.Publish
	for _, p := range w.sns.Requests() {
		if p.PhoneNumber == number {
			out = append(out, p)
		}
	}
	return out
}

// lastCode is the code of the newest SMS to number.
func (w *world) lastCode(number string) string {
	w.t.Helper()
	list := w.sms(number)
	if len(list) == 0 {
		w.t.Fatalf("no SMS to %s", number)
	}
	return apptest.SixDigits.FindStringSubmatch(list[len(list)-1].Message)[1]
}

// events are the notification events of kind published for email.
func (w *world) events(kind, email string) []map[string]any {
	var out []map[string]any
	for _, p := range w.sns.Requests() {
		if p.TopicArn == "" {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(p.Message), &ev); err == nil && ev["kind"] == kind && ev["email"] == email {
			out = append(out, ev)
		}
	}
	return out
}

// count is how many items of type typ the table holds.
func (w *world) count(typ string) int {
	w.t.Helper()
	return len(w.env.ItemsOfType(typ))
}

// partitions are the partition keys of the items of type typ.
func (w *world) partitions(typ string) []string {
	w.t.Helper()
	var out []string
	for _, it := range w.env.ItemsOfType(typ) {
		if s, ok := it["PK"].(*types.AttributeValueMemberS); ok {
			out = append(out, s.Value)
		}
	}
	return out
}

// security saves the security section with fields, and send budgets
// that the test's many codes to one number stay within.
func (w *world) security(fields map[string]any) {
	w.t.Helper()
	body := map[string]any{"sms": map[string]any{"max_sends_per_hour": 100, "max_sends_per_day": 1000,
		"subject_sends_per_hour": 100, "subject_sends_per_day": 1000, "ip_sends_per_hour": 10000,
		"test_sms_per_hour": 100, "test_sms_per_day": 1000}}
	for k, v := range fields {
		body[k] = v
	}
	w.env.Configure("security", "security", body)
}

// cooldown moves the clock past the resend cooldown of codes.
func (w *world) cooldown() { w.env.Clock.Advance(61 * time.Second) }

// with runs each case in a subtest, with the plan reset before it, and
// hands it the world as that subtest's.
func with(t *testing.T, w *world, cases []fault, run func(w *world, f fault)) {
	t.Helper()
	for _, c := range cases {
		w.plan.Reset()
		t.Run(c.String(), func(t *testing.T) {
			sub := *w
			sub.t, sub.hang = t, c.kind == faults.Hang
			run(&sub, c)
		})
	}
	w.plan.Reset()
}
