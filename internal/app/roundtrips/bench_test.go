package roundtrips_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"clientarea/internal/app"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
	"clientarea/internal/testsupport/apptest"
)

// The warm cost of each class of request against DynamoDB Local (`make
// bench`), each set beside the floor under all of them: one strongly
// consistent GetItem (of the general section) through the same SDK,
// interleaved with the request in the same loop, so that both meet
// DynamoDB Local in the same state (its JVM's pauses and compilations
// drift over a run). Each benchmark reports, for the request, p50-ms and
// p99-ms (percentiles read as package latency reads them) and ns/op (its
// mean); get-p50-ms and get-p99-ms for the GetItem beside it; x-p50 and
// x-p99, the request's percentiles over the GetItem's; and own-p50-ms and
// own-p99-ms, the request's time outside its AWS SDK calls (routing,
// authorization, decoding, the answer's JSON): what the code adds to the
// database's time. The fake clock stands still, so the session authorizer
// makes no sliding write (at most one TransactWriteItems a minute per
// session on top).

// BenchmarkConfigurationQuery is the Query that reads a client request's
// whole configuration (package settings: every section, decoded), without
// a handler around it.
func BenchmarkConfigurationQuery(b *testing.B) {
	bn := newBench(b)
	bn.run(b, func() {
		if _, err := settings.Load(context.Background(), bn.table); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkConfigurationCached is a client request's configuration read
// through a settings.Source kept for one second (CONFIG_CACHE_SECONDS=1):
// the fake clock stands still, so this is the kept read every request of
// the second after the first makes; that first one is
// BenchmarkConfigurationQuery.
func BenchmarkConfigurationCached(b *testing.B) {
	bn := newBench(b)
	src := settings.NewSource(bn.table, bn.env.Clock, time.Second)
	bn.run(b, func() {
		if _, err := src.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkConfigGet is GET /admin/config/general through its handler:
// the admin check, the GetItem, the JSON answer.
func BenchmarkConfigGet(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	h := env.Handler("general")
	bn.run(b, func() {
		apptest.Do(b, h, apptest.Admin(http.MethodGet, "/admin/config/general", nil, "")).Expect(b, 200)
	})
}

// BenchmarkConfigGetLanguages is GET /admin/config/languages: the section
// alone, one GetItem, as every plain config GET.
func BenchmarkConfigGetLanguages(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	h := env.Handler("languages")
	bn.run(b, func() {
		res := apptest.Do(b, h, apptest.Admin(http.MethodGet, "/admin/config/languages", nil, "")).Expect(b, 200)
		if _, ok := res.Map(b)["warnings"]; ok {
			b.Fatalf("warnings without include: %s", res.Body)
		}
	})
}

// BenchmarkConfigGetLanguagesWarnings is GET
// /admin/config/languages?include=warnings: the section and the levels and
// statuses its warnings need, one Query, on the table newBench leaves
// (three sections saved, no level, the built-in status only).
func BenchmarkConfigGetLanguagesWarnings(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	h := env.Handler("languages")
	bn.run(b, func() {
		res := apptest.Do(b, h, apptest.Admin(http.MethodGet, "/admin/config/languages?include=warnings", nil, "")).Expect(b, 200)
		if _, ok := res.Map(b)["warnings"]; !ok {
			b.Fatalf("no warnings: %s", res.Body)
		}
	})
}

// BenchmarkConfigGetLanguagesConfigured is BenchmarkConfigGetLanguagesWarnings
// on a configured stack: every section saved, three levels with two custom
// fields and texts in two languages, three statuses, two enabled languages
// (the answer carries warnings).
func BenchmarkConfigGetLanguagesConfigured(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	verification := env.Admin("verification")
	for i, label := range []string{"kyc1", "kyc2", "kyc3"} {
		text := func(title string) map[string]any {
			return map[string]any{"title": title, "description": "Identity and address checked",
				"fields": map[string]string{"tax_id": "Tax number", "iban": "IBAN"}}
		}
		translations := map[string]any{"en": text("Level"), "de": text("Stufe")}
		if i == 2 {
			delete(translations, "de") // one level lacks its German texts
		}
		verification.Do(http.MethodPost, "/admin/verification-levels", map[string]any{"label": label, "type": "personal",
			"properties": []string{"tax_id", "iban"}, "required_documents": []string{"passport_or_id"},
			"translations": translations}, "").Expect(b, 201)
	}
	for _, label := range []string{"Approved", "Rejected", "Review"} {
		verification.Do(http.MethodPost, "/admin/statuses", map[string]any{"label": label,
			"text": map[string]string{"en": label, "de": label}, "properties": map[string]string{"color": "green"}}, "").Expect(b, 201)
	}
	env.Configure("documents", "documents", map[string]any{"required": []string{"passport_or_id"}})
	env.Configure("verification", "verification", map[string]any{"required_level": "kyc1", "required_status": "Approved"})
	env.Configure("verification", "level-order", map[string]any{"levels": []string{"kyc1", "kyc2"}})
	env.Configure("security", "registration", map[string]any{})
	env.Configure("languages", "languages", map[string]any{"active": []map[string]any{{"code": "en", "enabled": true}, {"code": "de", "enabled": true}}, "default": "en"})
	h := env.Handler("languages")
	bn.run(b, func() {
		res := apptest.Do(b, h, apptest.Admin(http.MethodGet, "/admin/config/languages?include=warnings", nil, "")).Expect(b, 200)
		if w, _ := res.Map(b)["warnings"].([]any); len(w) != 2 { // kyc3 and Init lack German texts
			b.Fatalf("warnings %s", res.Body)
		}
	})
}

// BenchmarkConfigPut is PUT /admin/config/general: the GetItem of the
// stored section and the TransactWriteItems of the section and its audit
// entry.
func BenchmarkConfigPut(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	h := env.Handler("general")
	version := 1 // benchEnv saved it once
	bn.run(b, func() {
		body := map[string]any{"clients": map[string]any{"max_accounts": version % 1000}, "security": map[string]any{"session_minutes": 600}}
		apptest.Do(b, h, apptest.Admin(http.MethodPut, "/admin/config/general", body, fmt.Sprintf(`"%d"`, version))).Expect(b, 200)
		version++
	})
}

// BenchmarkAuthorizer is the session authorizer alone, as API Gateway
// calls it: parsing, the BatchGetItem of the session and two sections,
// the checks.
func BenchmarkAuthorizer(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	token := signUp(b, env)
	a := env.Authorizer("authorizer")
	r := httptest.NewRequest(http.MethodGet, "/me", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	req := app.AuthorizerRequest(r, "GET /me")
	bn.run(b, func() {
		res, err := a(context.Background(), req)
		if err != nil || res.Context["verdict"] != principal.VerdictOK {
			b.Fatalf("authorizer: %v %v", res.Context, err)
		}
	})
}

// BenchmarkClientGet is GET /me as deployed: the session authorizer, then
// the me function (the profile's GetItem and the configuration's Query).
func BenchmarkClientGet(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	token := signUp(b, env)
	h := env.Handler("me")
	bn.run(b, func() {
		apptest.Do(b, h, apptest.Request{Method: http.MethodGet, Path: "/me", Token: token}).Expect(b, 200)
	})
}

// BenchmarkClientGetCached is BenchmarkClientGet with the authorizer and
// the me function keeping the configuration for a second
// (CONFIG_CACHE_SECONDS=1): the authorizer's BatchGetItem of the session
// alone, then the profile's GetItem alone.
func BenchmarkClientGetCached(b *testing.B) {
	bn := newBench(b)
	env := bn.env
	env.Deps.Config.ConfigCacheTTL = time.Second
	token := signUp(b, env)
	h := env.Handler("me")
	bn.run(b, func() {
		apptest.Do(b, h, apptest.Request{Method: http.MethodGet, Path: "/me", Token: token}).Expect(b, 200)
	})
}

// bench is one benchmark's stack: a fresh table whose configuration has
// been saved once (so that every read finds the items a running stack
// has), functions built from it that time their SDK calls on sdk, the
// table through such a client, and the bare GetItem set beside each
// request.
type bench struct {
	env   *apptest.Env
	sdk   *sdkClock
	table dynamo.Table
	get   func()
}

func newBench(b *testing.B) *bench {
	b.Helper()
	env := apptest.New(b)
	env.Configure("general", "general", map[string]any{"security": map[string]any{"session_minutes": 600}})
	env.Configure("security", "security", map[string]any{})
	env.Configure("languages", "languages", map[string]any{"active": []map[string]any{{"code": "en", "enabled": true}}, "default": "en"})
	bn := &bench{env: env, sdk: &sdkClock{}}
	env.Deps.AWS.APIOptions = append(slices.Clone(env.Deps.AWS.APIOptions), bn.sdk.option)
	bn.table = dynamo.Table{DB: dynamo.NewClient(env.Deps.AWS, env.Deps.Config.DynamoDBEndpoint), Name: env.Deps.Table.Name}
	in := &dynamodb.GetItemInput{TableName: aws.String(env.Deps.Table.Name),
		Key: dynamo.SectionKey("general").KeyAttrs(), ConsistentRead: aws.Bool(true)}
	bn.get = func() {
		if out, err := env.Deps.Table.DB.GetItem(context.Background(), in); err != nil || out.Item == nil {
			b.Fatalf("GetItem: %v", err)
		}
	}
	return bn
}

// run warms op and the GetItem up for a second (DynamoDB Local's JVM
// compiles its hot paths over its first seconds of requests), then runs
// them b.N times, one after the other, and reports their latencies.
func (bn *bench) run(b *testing.B, op func()) {
	b.Helper()
	for end := time.Now().Add(time.Second); time.Now().Before(end); {
		bn.get()
		op()
	}
	ops, gets, own := make([]time.Duration, b.N), make([]time.Duration, b.N), make([]time.Duration, b.N)
	var total time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		bn.get()
		gets[i] = time.Since(start)
		bn.sdk.take()
		start = time.Now()
		op()
		ops[i] = time.Since(start)
		own[i] = ops[i] - bn.sdk.take()
		total += ops[i]
	}
	b.StopTimer()
	p50, p99 := percentile(ops, 0.5), percentile(ops, 0.99)
	g50, g99 := percentile(gets, 0.5), percentile(gets, 0.99)
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/op") // the request's, not the pair's
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(g50, "get-p50-ms")
	b.ReportMetric(g99, "get-p99-ms")
	b.ReportMetric(p50/g50, "x-p50")
	b.ReportMetric(p99/g99, "x-p99")
	b.ReportMetric(percentile(own, 0.5), "own-p50-ms")
	b.ReportMetric(percentile(own, 0.99), "own-p99-ms")
}

// percentile is the q-quantile of ds in milliseconds, read as package
// latency reads it.
func percentile(ds []time.Duration, q float64) float64 {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return float64(ds[int(q*float64(len(ds)-1))].Microseconds()) / 1000
}

// sdkClock adds up the time during which at least one AWS SDK call was
// running (from the call to its answer: serialising, signing, the round
// trip, decoding). Calls made at the same time count once.
type sdkClock struct {
	mu     sync.Mutex
	active int
	since  time.Time
	spent  time.Duration
}

func (c *sdkClock) option(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("roundtrips.sdkClock", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		c.enter()
		defer c.leave()
		return next.HandleInitialize(ctx, in)
	}), middleware.Before)
}

func (c *sdkClock) enter() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active == 0 {
		c.since = time.Now()
	}
	c.active++
}

func (c *sdkClock) leave() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active--; c.active == 0 {
		c.spent += time.Since(c.since)
	}
}

// take returns the time spent since the last take, and starts again.
func (c *sdkClock) take() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	spent := c.spent
	c.spent = 0
	return spent
}

// signUp signs a client up (no confirmation asked) and returns its
// session token.
func signUp(b testing.TB, env *apptest.Env) string {
	b.Helper()
	res := apptest.Do(b, env.Handler("auth"), apptest.Request{Method: http.MethodPost, Path: "/auth/signup",
		Body: map[string]any{"email": "bench@example.com", "password": passwords[0]}}).Expect(b, 201)
	var a struct {
		Session struct{ Token string } `json:"session"`
	}
	res.Decode(b, &a)
	return a.Session.Token
}
