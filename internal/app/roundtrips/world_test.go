package roundtrips_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"clientarea/internal/app"
	"clientarea/internal/devtools/localapi"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/callcount"
	"clientarea/internal/testsupport/snstest"
)

// world is the whole HTTP API on one fresh table: every function's real
// handler on the routes template.yaml gives it, behind the session
// authorizer where the template says so (apptest.Env.Handler's way), with
// SMS and notification events going to a local SNS and machine
// translation to a local Translate, so that those calls are counted too.
type world struct {
	t   testing.TB
	env *apptest.Env
	rec *callcount.Recorder
	tpl *samtemplate.Template
	api *http.ServeMux
	sns *snstest.Server
	// owner and guard are, by route pattern, the function that serves it
	// and the function of the Lambda authorizer in front of it ("" for
	// none).
	owner, guard map[string]string
	// seen holds every request sent, by route pattern.
	seen map[string][]exercise
}

// exercise is one request of a route and the calls it cost.
type exercise struct {
	step       string
	status     int
	handler    []callcount.Call // the route's function's calls
	authorizer []callcount.Call // its Lambda authorizer's calls
	others     []callcount.Call // calls of any other function (none expected)
}

// newWorld builds the API. With capacity, DynamoDB calls record their
// consumed capacity (callcount.New).
func newWorld(t testing.TB, capacity bool) *world {
	t.Helper()
	env := apptest.New(t)
	sns := snstest.New(t)
	tr := httptest.NewServer(http.HandlerFunc(fakeTranslate))
	t.Cleanup(tr.Close)
	cfg := &env.Deps.Config
	cfg.SNSEndpoint, cfg.NotificationTopicARN = sns.URL, apptest.ARN(t, "NotificationTopic")
	cfg.TranslateEndpoint, cfg.TranslateEnabled = tr.URL, true
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, env: env, rec: callcount.New(capacity), tpl: tpl, api: http.NewServeMux(), sns: sns,
		owner: map[string]string{}, guard: map[string]string{}, seen: map[string][]exercise{}}
	fns := counted{env: env, rec: w.rec}
	for _, f := range tpl.Functions {
		if len(f.Routes) == 0 {
			continue
		}
		h, err := fns.Handler(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if h, err = localapi.Guard(tpl, f.Name, h, fns); err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Routes {
			w.api.Handle(r.Pattern(), h)
			w.owner[r.Pattern()] = f.Name
			if la, ok := tpl.LambdaAuthorizerOf(r); ok {
				w.guard[r.Pattern()] = la.Function
			}
		}
	}
	return w
}

// counted builds the environment's functions (apptest.Env.Functions),
// each with its AWS calls recorded as its own by the recorder as well.
type counted struct {
	env *apptest.Env
	rec *callcount.Recorder
}

// as has the functions built meanwhile record their calls as fn's: each is
// built from a copy of the environment's Deps, taken while the copy's
// configuration carries the recorder's option for fn.
func (c counted) as(fn string) (restore func()) {
	orig := c.env.Deps.AWS
	c.env.Deps.AWS = c.rec.Instrument(orig, fn)
	return func() { c.env.Deps.AWS = orig }
}

func (c counted) Handler(name string) (http.Handler, error) {
	defer c.as(name)()
	return c.env.Functions().Handler(name)
}

func (c counted) Authorizer(name string) (app.Authorizer, error) {
	defer c.as(name)()
	return c.env.Functions().Authorizer(name)
}

// route is the template route r is for ("" when none is).
func (w *world) route(r apptest.Request) string {
	_, pattern := w.api.Handler(httptest.NewRequest(r.Method, r.Path, nil))
	return pattern
}

// send sends r, fails the test unless the answer has status want, and
// records the calls it cost under its route. The clock moves on by a
// second afterwards (apptest.Client's way).
func (w *world) send(step string, r apptest.Request, want int) *apptest.Response {
	w.t.Helper()
	pattern := w.route(r)
	if pattern == "" {
		w.t.Fatalf("%s: %s %s is no route of template.yaml", step, r.Method, r.Path)
	}
	w.rec.Take()
	res := apptest.Do(w.t, w.api, r)
	calls := w.rec.Take()
	w.env.Clock.Advance(time.Second)
	if res.Status != want {
		w.t.Fatalf("%s: %s %s answered %d, want %d: %s", step, r.Method, r.Path, res.Status, want, res.Body)
	}
	ex := exercise{step: step, status: res.Status}
	for _, c := range calls {
		switch c.Function {
		case w.owner[pattern]:
			ex.handler = append(ex.handler, c)
		case w.guard[pattern]:
			ex.authorizer = append(ex.authorizer, c)
		default:
			ex.others = append(ex.others, c)
		}
	}
	w.seen[pattern] = append(w.seen[pattern], ex)
	return res
}

// admin sends an admin request; ifMatch, unless empty, is its If-Match.
func (w *world) admin(step, method, path string, body any, ifMatch string, want int) *apptest.Response {
	w.t.Helper()
	return w.send(step, apptest.Admin(method, path, body, ifMatch), want)
}

// anonymous sends a request without credentials.
func (w *world) anonymous(step, method, path string, body any, want int) map[string]any {
	w.t.Helper()
	return bodyOf(w.t, w.send(step, apptest.Request{Method: method, Path: path, Body: body}, want))
}

// client is one client and the tokens of its current session.
type client struct {
	w                       *world
	id, email, phone        string
	password                string
	token, refresh, session string
}

// do sends a request of c's session.
func (c *client) do(step, method, path string, body any, want int) map[string]any {
	c.w.t.Helper()
	return bodyOf(c.w.t, c.w.send(step, apptest.Request{Method: method, Path: path, Body: body, Token: c.token}, want))
}

// takeSession makes the session in answer (its "session" member) c's.
func (c *client) takeSession(answer map[string]any) {
	c.w.t.Helper()
	s, ok := answer["session"].(map[string]any)
	if !ok {
		c.w.t.Fatalf("no session in %v", answer)
	}
	c.token, c.refresh = fmt.Sprint(s["token"]), fmt.Sprint(s["refresh_token"])
	c.session, _, _ = strings.Cut(c.token, ".") // a token is "<session id>.<secret>"
}

func bodyOf(t testing.TB, r *apptest.Response) map[string]any {
	t.Helper()
	if len(r.Body) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("answer %d %s: %v", r.Status, r.Body, err)
	}
	return m
}

// code is the code of the newest SMS to number.
func (w *world) code(number string) string {
	w.t.Helper()
	reqs := w.sns.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if p := reqs[i]; p.PhoneNumber == number {
			if m := apptest.SixDigits.FindStringSubmatch(p.Message); m != nil {
				return m[1]
			}
		}
	}
	w.t.Fatalf("no SMS to %s", number)
	return ""
}

// token is the token of the newest notification event of kind to email.
func (w *world) token(email, kind string) string {
	w.t.Helper()
	reqs := w.sns.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		p := reqs[i]
		if p.TopicArn == "" {
			continue
		}
		var e struct {
			Kind, Email string
			Data        map[string]string
		}
		if json.Unmarshal([]byte(p.Message), &e) == nil && e.Email == email && e.Kind == kind {
			return e.Data["token"]
		}
	}
	w.t.Fatalf("no %s event to %s", kind, email)
	return ""
}

// fakeTranslate answers Amazon Translate's TranslateText (its JSON
// protocol) with the text marked by the target language.
func fakeTranslate(w http.ResponseWriter, r *http.Request) {
	var in struct{ Text, SourceLanguageCode, TargetLanguageCode string }
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"TranslatedText": "[" + in.TargetLanguageCode + "] " + in.Text, "SourceLanguageCode": in.SourceLanguageCode, "TargetLanguageCode": in.TargetLanguageCode,
	})
}

// routes lists the template's routes, sorted.
func (w *world) routes() []string {
	var out []string
	for p := range w.owner {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
