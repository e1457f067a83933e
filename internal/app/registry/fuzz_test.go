package registry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/admindoc"
	"clientarea/internal/app"
	"clientarea/internal/app/registry"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/documents"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security"
	"clientarea/internal/sections/verification/levels"
	"clientarea/internal/testsupport/apptest"
)

// The rule sets of every admin document, and every route's request
// decoding, fuzzed. Seeds are in testdata/fuzz/<target>; `go run
// ./internal/devtools/fuzz` runs every target of the module.

// Each rule set's properties, whatever the body (checkRules):
//   - it decodes as a PUT decodes it, or is a 400;
//   - Normalize is deterministic (two decodes of one body normalize to
//     equal documents) and idempotent (normalizing again changes nothing);
//   - Validate is deterministic (the same answer every time);
//   - a refusal is a 422 with a code, naming one or more fields, each once,
//     each a path into the document, each with a message;
//   - a valid document survives a JSON round trip (encoded as GET answers
//     it, sent back as a PUT's body, normalized) unchanged, and stays valid.

func FuzzGeneralRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, general.Section(), body) })
}

func FuzzDocumentsRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, documents.Section(), body) })
}

func FuzzLanguagesRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, languages.Section(nil), body) })
}

func FuzzSecurityRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, security.Section(), body) })
}

func FuzzRegistrationRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, security.RegistrationSection(), body) })
}

// FuzzVerificationRules is the verification section (account
// requirements); whether the level and status it names exist is the
// write's condition check, not a rule.
func FuzzVerificationRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, levels.AccountSection(nil, nil), body) })
}

func FuzzLevelOrderRules(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, levels.OrderSection(nil), body) })
}

func FuzzLevelRules(f *testing.F) {
	def := admindoc.Definition[levels.Level]{Noun: "verification level",
		Normalize: (*levels.Level).Normalize, Validate: levels.Level.Validate}
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, def, body) })
}

func FuzzStatusRules(f *testing.F) {
	def := admindoc.Definition[levels.Status]{Noun: "status",
		Normalize: (*levels.Status).Normalize, Validate: levels.Status.Validate}
	f.Fuzz(func(t *testing.T, body []byte) { checkRules(t, def, body) })
}

// decodeAs decodes body as a PUT of def's documents decodes it.
func decodeAs[T any](def admindoc.Definition[T], body []byte) (T, error) {
	r := httptest.NewRequest(http.MethodPut, "/admin/x", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var doc T
	_, err := admindoc.DecodeDocument(httptest.NewRecorder(), r, &doc, def.Annotations...)
	return doc, err
}

func checkRules[T any](t *testing.T, def admindoc.Definition[T], body []byte) {
	t.Helper()
	doc, err := decodeAs(def, body)
	if err != nil {
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.BadRequest {
			t.Fatalf("decode: %v, want a 400", err)
		}
		return
	}
	twin, err := decodeAs(def, body)
	if err != nil {
		t.Fatalf("the second decode of one body failed: %v", err)
	}
	def.Normalize(&doc)
	def.Normalize(&twin)
	if !reflect.DeepEqual(doc, twin) {
		t.Fatalf("Normalize is not deterministic:\n%+v\n%+v", doc, twin)
	}
	def.Normalize(&twin)
	if !reflect.DeepEqual(doc, twin) {
		t.Fatalf("Normalize is not idempotent:\n%+v\nthen\n%+v", doc, twin)
	}
	verdict := def.Validate(doc)
	if again := def.Validate(twin); !sameError(verdict, again) {
		t.Fatalf("Validate is not deterministic: %v / %v", verdict, again)
	}
	if verdict != nil {
		checkFieldErrors(t, reflect.TypeFor[T](), verdict)
		return
	}
	sent, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("encode a valid document: %v", err)
	}
	back, err := decodeAs(def, sent)
	if err != nil {
		t.Fatalf("the valid document %s, sent back, is refused: %v", sent, err)
	}
	def.Normalize(&back)
	if !reflect.DeepEqual(back, doc) {
		t.Fatalf("a JSON round trip changed the valid document:\n%+v\n%+v", doc, back)
	}
	if err := def.Validate(back); err != nil {
		t.Fatalf("the valid document %s, sent back, is invalid: %v", sent, err)
	}
}

func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ea, okA := apperr.As(a)
	eb, okB := apperr.As(b)
	if !okA || !okB {
		return a.Error() == b.Error()
	}
	return ea.Kind == eb.Kind && ea.Code == eb.Code && ea.Detail == eb.Detail && slices.Equal(ea.Fields, eb.Fields)
}

// checkFieldErrors fails t unless err is a 422 naming fields of a
// document of type typ.
func checkFieldErrors(t *testing.T, typ reflect.Type, err error) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid || e.Code == "" || e.Code == "internal" || len(e.Fields) == 0 {
		t.Fatalf("a refusal %v (%T) that is no 422 naming fields", err, err)
	}
	seen := map[string]bool{}
	for _, fe := range e.Fields {
		switch {
		case fe.Field == "" || fe.Message == "":
			t.Fatalf("field %q named with message %q", fe.Field, fe.Message)
		case seen[fe.Field]:
			t.Fatalf("field %q named twice in %v", fe.Field, e.Fields)
		case !isPath(typ, fe.Field):
			t.Fatalf("%q is no field of a %v document", fe.Field, typ)
		case strings.Contains(fe.Message, "%!"):
			t.Fatalf("message %q of %s is mis-formatted", fe.Message, fe.Field)
		}
		seen[fe.Field] = true
	}
}

// isPath reports whether path names something in a document of type t, as
// field errors name them: JSON names joined by ".", list entries as
// "[i]", map keys as they are (which may hold dots themselves).
func isPath(t reflect.Type, path string) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if path == "" {
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		name := path
		if i := strings.IndexAny(path, ".["); i >= 0 {
			name = path[:i]
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && tag == name {
				rest := path[len(name):]
				if strings.HasPrefix(rest, ".") {
					rest = rest[1:]
					if rest == "" { // "text." names the empty key of a map
						return f.Type.Kind() == reflect.Map
					}
				}
				return isPath(f.Type, rest)
			}
		}
		return false
	case reflect.Slice, reflect.Array:
		inner, ok := strings.CutPrefix(path, "[")
		end := strings.IndexByte(inner, ']')
		if !ok || end < 1 || strings.Trim(inner[:end], "0123456789") != "" {
			return false
		}
		rest := inner[end+1:]
		if strings.HasPrefix(rest, ".") {
			rest = rest[1:]
		}
		return isPath(t.Elem(), rest)
	case reflect.Map:
		// The key runs to the end, or to a dot after which the rest
		// names something in the value.
		if isPath(t.Elem(), "") {
			return true
		}
		for i := range len(path) {
			if path[i] == '.' && isPath(t.Elem(), path[i+1:]) {
				return true
			}
		}
		return false
	}
	return false
}

// Every route, through its function's handler, without a database: the
// DynamoDB client fails every call. What a route decodes and checks
// before it reads or writes anything is what is fuzzed: the body, the
// query, the path's parameter, If-Match and Content-Type.

// errNoDatabase is what every DynamoDB call of the handler fuzz gets.
var errNoDatabase = errors.New("no database in the handler fuzz")

// refusingDB is a DynamoDB client that fails every call and counts them.
type refusingDB struct{ calls atomic.Int64 }

func (d *refusingDB) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

func (d *refusingDB) BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	d.calls.Add(1)
	return nil, errNoDatabase
}

// failureLog keeps the "request failed" lines (every 5xx logs one, with
// its cause chain) and passes nothing on.
type failureLog struct {
	mu     sync.Mutex
	errors []string
}

func (l *failureLog) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelError
}
func (l *failureLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *failureLog) WithGroup(string) slog.Handler      { return l }

func (l *failureLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "request failed" {
		return nil
	}
	var cause string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			cause = a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	l.errors = append(l.errors, cause)
	l.mu.Unlock()
	return nil
}

func (l *failureLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.errors
	l.errors = nil
	return out
}

// fuzzRoute is one route of one function.
type fuzzRoute struct {
	pattern, method, path string
	h                     http.Handler
}

// fuzzWorld is every function built on a refusing database.
type fuzzWorld struct {
	db     *refusingDB
	log    *failureLog
	routes []fuzzRoute
	byName map[string]int
}

const fuzzAdminToken, fuzzServiceToken = "fuzz-admin", "fuzz-service"

func newFuzzWorld(tb testing.TB) *fuzzWorld {
	tb.Helper()
	w := &fuzzWorld{db: &refusingDB{}, log: &failureLog{}, byName: map[string]int{}}
	cfg := config.Config{TableName: "fuzz", Region: "us-east-1", OTPKey: apptest.OTPKey,
		DevAdminToken: fuzzAdminToken, DevServiceToken: fuzzServiceToken,
		AdminClaimName: "cognito:groups", AdminClaimValue: "client-area-admin"}
	deps := app.New(cfg, aws.Config{Region: "us-east-1"}, w.db, clock.NewFake(apptest.Start))
	for _, name := range registry.Names() {
		if registry.IsAuthorizer(name) {
			continue
		}
		h, err := registry.Build(context.Background(), name, deps)
		if err != nil {
			tb.Fatalf("build %s: %v", name, err)
		}
		for _, pattern := range h.Routes() {
			method, path, _ := strings.Cut(pattern, " ")
			w.byName[pattern] = len(w.routes)
			w.routes = append(w.routes, fuzzRoute{pattern: pattern, method: method, path: path, h: h})
		}
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(w.log))
	tb.Cleanup(func() { slog.SetDefault(prev) })
	return w
}

// route is the route a fuzz input names: its pattern exactly, or else one
// picked by the bytes of the name.
func (w *fuzzWorld) route(name string) fuzzRoute {
	if i, ok := w.byName[name]; ok {
		return w.routes[i]
	}
	sum := 0
	for _, b := range []byte(name) {
		sum += int(b)
	}
	return w.routes[sum%len(w.routes)]
}

// fuzzClientID is the client of the fuzzed session.
const fuzzClientID = "0123456789abcdef0123456789abcdef"

// request builds the request: path parameters are param (or a
// well-formed value when it is empty), the caller is an admin (a service
// on /tfa/ routes) with an admitted client session.
func (rt fuzzRoute) request(param, query string, body []byte, ifMatch, contentType string) *http.Request {
	path := rt.path
	for strings.Contains(path, "{") {
		start := strings.IndexByte(path, '{')
		end := start + strings.IndexByte(path[start:], '}')
		value := param
		if value == "" {
			value = map[string]string{"{label}": "kyc1", "{id}": fuzzClientID, "{account_id}": fuzzClientID}[path[start:end+1]]
		}
		path = path[:start] + url.PathEscape(value) + path[end+1:]
	}
	ctx := principal.WithSession(context.Background(), principal.Session{Verdict: principal.VerdictOK,
		ClientID: fuzzClientID, SessionID: "fedcba9876543210fedcba9876543210", Scope: principal.ScopeFull})
	r := httptest.NewRequestWithContext(ctx, rt.method, path, bytes.NewReader(body))
	r.URL.RawQuery = query
	token := fuzzAdminToken
	if strings.HasPrefix(rt.path, "/tfa/") {
		token = fuzzServiceToken
	}
	r.Header.Set("Authorization", "Bearer "+token)
	if ifMatch != "" {
		r.Header.Set("If-Match", ifMatch)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// FuzzRoutes: whatever a request carries, no route answers a server error
// but for the database it could not reach: a 5xx comes only after a
// DynamoDB call, and its logged cause is that call's failure (no panic,
// no other internal error). Every 4xx is problem+json with a code.
func FuzzRoutes(f *testing.F) {
	w := newFuzzWorld(f)
	f.Fuzz(func(t *testing.T, route, param, query string, body []byte, ifMatch, contentType string) {
		rt := w.route(route)
		w.db.calls.Store(0)
		w.log.take()
		rec := httptest.NewRecorder()
		rt.h.ServeHTTP(rec, rt.request(param, query, body, ifMatch, contentType))
		status, calls, failures := rec.Code, w.db.calls.Load(), w.log.take()
		if status >= 500 {
			if calls == 0 {
				t.Fatalf("%s: %d before any database call (%s): %v", rt.pattern, status, rec.Body, failures)
			}
			if len(failures) != 1 || !strings.Contains(failures[0], errNoDatabase.Error()) {
				t.Fatalf("%s: %d whose logged cause is not the database: %q", rt.pattern, status, failures)
			}
		}
		if status >= 400 {
			var p httpapi.Problem
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("%s: %d answered as %q: %s", rt.pattern, status, ct, rec.Body)
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Code == "" || p.Status != status {
				t.Fatalf("%s: %d with the problem %s (%v)", rt.pattern, status, rec.Body, err)
			}
			for _, fe := range p.Errors {
				if fe.Field == "" || fe.Message == "" {
					t.Fatalf("%s: %d names a field %q with message %q", rt.pattern, status, fe.Field, fe.Message)
				}
			}
		}
	})
}
