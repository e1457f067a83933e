package audit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/admindoc"
	"clientarea/internal/app"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/audit"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/verification"
	"clientarea/internal/testsupport/apptest"
)

const (
	generalPath = "/admin/config/general"
	verifyPath  = "/admin/config/verification"
	levelsPath  = "/admin/verification-levels"
)

// setup is an admin client of a router serving the audit routes next to
// the general and verification sections, whose writes fill the trail.
func setup(t *testing.T) *apptest.Client {
	t.Helper()
	env := apptest.New(t)
	docs := env.Deps.AdminDocs()
	rt := httpapi.NewRouter()
	audit.Mount(rt, docs)
	admindoc.Mount(rt, docs, general.Section())
	verification.Mount(rt, docs, nil)
	return &apptest.Client{T: t, Env: env, H: rt}
}

// saveGeneral saves max_accounts n as version v of the general section.
func saveGeneral(t *testing.T, c *apptest.Client, n, v int) {
	t.Helper()
	c.Put(generalPath, map[string]any{"clients": map[string]any{"max_accounts": n}}, fmt.Sprintf(`"%d"`, v-1)).Expect(t, 200)
}

func maxAccounts(doc map[string]any) any {
	clients, _ := doc["clients"].(map[string]any)
	return clients["max_accounts"]
}

// page is one answer of the list.
type page struct {
	Items []struct {
		ID      string         `json:"id"`
		Section string         `json:"section"`
		Actor   string         `json:"actor"`
		At      string         `json:"at"`
		Version int64          `json:"version"`
		Before  map[string]any `json:"before"`
		After   map[string]any `json:"after"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func list(t *testing.T, c *apptest.Client, query string) page {
	t.Helper()
	var p page
	res := c.Get("/admin/audit?"+query).Expect(t, 200)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	res.Decode(t, &p)
	if !strings.Contains(string(res.Body), `"next_cursor":`) {
		t.Fatalf("no next_cursor member: %s", res.Body)
	}
	return p
}

func TestPagingNewestFirst(t *testing.T) {
	c := setup(t)
	for v := 1; v <= 7; v++ {
		saveGeneral(t, c, v, v)
	}
	var sizes, versions []int
	seen := map[string]bool{}
	query := "section=general&limit=3"
	for range 5 {
		p := list(t, c, query)
		sizes = append(sizes, len(p.Items))
		for _, e := range p.Items {
			if seen[e.ID] || e.Section != "general" || e.Actor != "dev-admin" || maxAccounts(e.After) != float64(e.Version) {
				t.Fatalf("entry repeated or wrong: %+v", e)
			}
			seen[e.ID] = true
			versions = append(versions, int(e.Version))
		}
		if p.NextCursor == nil {
			break
		}
		query = "section=general&limit=3&cursor=" + url.QueryEscape(*p.NextCursor)
	}
	if fmt.Sprint(sizes) != "[3 3 1]" || fmt.Sprint(versions) != "[7 6 5 4 3 2 1]" {
		t.Fatalf("pages of %v with versions %v; want 3+3+1, newest first", sizes, versions)
	}
	// Without a limit, a page holds up to 50.
	if p := list(t, c, "section=general"); len(p.Items) != 7 || p.NextCursor != nil {
		t.Fatalf("default page: %d items, next %v", len(p.Items), p.NextCursor)
	}
	// A trail without entries is an empty page.
	if p := list(t, c, "section=clients"); p.Items == nil || len(p.Items) != 0 || p.NextCursor != nil {
		t.Fatalf("empty trail: %+v", p)
	}
}

func TestBadListParametersAre422(t *testing.T) {
	c := setup(t)
	saveGeneral(t, c, 1, 1)
	saveGeneral(t, c, 2, 2)
	c.Put(verifyPath, map[string]any{"open_account_on_signup": true}, `"0"`).Expect(t, 200)
	c.Put(verifyPath, map[string]any{"open_account_on_signup": false}, `"1"`).Expect(t, 200)
	foreign := list(t, c, "section=verification&limit=1").NextCursor
	if foreign == nil {
		t.Fatal("no cursor")
	}
	cases := map[string]string{
		"section=general&cursor=" + url.QueryEscape(*foreign): "cursor",
		"section=general&cursor=garbage":                      "cursor",
		"section=general&cursor=" + strings.Repeat("A", 4000): "cursor",
		"section=nope":                     "section",
		"limit=3":                          "section",
		"section=general&limit=0":          "limit",
		"section=general&limit=101":        "limit",
		"section=general&limit=ten":        "limit",
		"section=general&limit=+3":         "limit",
		"section=AUDIT%23general&limit=3":  "section",
		"section=general%23x&cursor=abcde": "section",
	}
	for query, field := range cases {
		p := c.Get("/admin/audit?"+query).ExpectProblem(t, 422, "validation_failed")
		if got := apptest.FieldErrors(t, p); len(got) != 1 || got[0] != field {
			t.Errorf("%s: fields %v, want [%s]", query, got, field)
		}
	}
	// The section's own cursor still works.
	own := list(t, c, "section=general&limit=1").NextCursor
	if p := list(t, c, "section=general&limit=1&cursor="+url.QueryEscape(*own)); len(p.Items) != 1 || p.Items[0].Version != 1 {
		t.Fatalf("second page %+v", p)
	}
}

// restore posts a restore of entry id with body (nil: none) and If-Match.
func restore(c *apptest.Client, id string, body any, ifMatch string) *apptest.Response {
	c.T.Helper()
	return c.Do(http.MethodPost, "/admin/audit/"+id+"/restore", body, ifMatch)
}

func TestRestoreBringsASectionBack(t *testing.T) {
	c := setup(t)
	saveGeneral(t, c, 2, 1)
	saveGeneral(t, c, 9, 2)
	entries := list(t, c, "section=general").Items
	first := entries[1]

	res := restore(c, first.ID, nil, `"2"`).Expect(t, 200)
	doc := res.Map(t)
	if maxAccounts(doc) != 2.0 || doc["version"] != 3.0 || res.Header.Get("ETag") != `"3"` || doc["updated_by"] != "dev-admin" {
		t.Fatalf("restored %s ETag %s", res.Body, res.Header.Get("ETag"))
	}
	// The answer is the section's GET.
	if got := c.Get(generalPath).Expect(t, 200); string(got.Body) != string(res.Body) {
		t.Fatalf("GET %s, restore answered %s", got.Body, res.Body)
	}
	// The restore is a change of its own, in the trail.
	entries = list(t, c, "section=general").Items
	if len(entries) != 3 || entries[0].Version != 3 || maxAccounts(entries[0].Before) != 9.0 || maxAccounts(entries[0].After) != 2.0 {
		t.Fatalf("trail after the restore: %+v", entries)
	}

	// The first save's before is the section's defaults.
	res = restore(c, first.ID, map[string]any{"state": "before"}, `"3"`).Expect(t, 200)
	if maxAccounts(res.Map(t)) != 0.0 || res.Map(t)["version"] != 4.0 {
		t.Fatalf("restored the defaults: %s", res.Body)
	}
	defaults := apptest.New(t).Admin("general").Get(generalPath).Map(t)
	got := c.Get(generalPath).Map(t)
	for k := range defaults {
		if k != "version" && fmt.Sprint(got[k]) != fmt.Sprint(defaults[k]) {
			t.Fatalf("%s is %v, the default %v", k, got[k], defaults[k])
		}
	}
	// The version may come in the body instead.
	restore(c, first.ID, map[string]any{"state": "after", "version": 4}, "").Expect(t, 200)
}

func TestRestoreNeedsTheCurrentVersion(t *testing.T) {
	c := setup(t)
	saveGeneral(t, c, 2, 1)
	saveGeneral(t, c, 9, 2)
	id := list(t, c, "section=general").Items[1].ID

	restore(c, id, nil, "").ExpectProblem(t, 428, "precondition_required")
	restore(c, id, nil, `"1"`).ExpectProblem(t, 412, "version_conflict")
	restore(c, id, map[string]any{"version": 2}, `"1"`).ExpectProblem(t, 400, "bad_request")
	if n := len(list(t, c, "section=general").Items); n != 2 || maxAccounts(c.Get(generalPath).Map(t)) != 9.0 {
		t.Fatalf("a refused restore changed something: %d entries", n)
	}
}

func TestRestoreRefusals(t *testing.T) {
	c := setup(t)
	saveGeneral(t, c, 2, 1)
	c.Do(http.MethodPost, levelsPath, map[string]any{"label": "kyc1", "type": "personal"}, "").Expect(t, 201)
	c.Do(http.MethodDelete, levelsPath+"/kyc1", nil, `"1"`).Expect(t, 204)
	general := list(t, c, "section=general").Items[0].ID
	levels := list(t, c, "section=verification-levels").Items // the delete, then the create

	// A collection's item is not a section.
	p := restore(c, levels[1].ID, nil, `"1"`).ExpectProblem(t, 409, "not_restorable")
	if !strings.Contains(p["detail"].(string), "verification-levels") {
		t.Fatalf("detail %v", p["detail"])
	}
	restore(c, levels[0].ID, map[string]any{"state": "before"}, `"1"`).ExpectProblem(t, 409, "not_restorable")

	// Unknown and malformed ids.
	restore(c, "garbage", nil, `"1"`).ExpectProblem(t, 404, "not_found")
	restore(c, general[:len(general)-2]+"AA", nil, `"1"`).ExpectProblem(t, 404, "not_found")
	// Bad bodies.
	restore(c, general, map[string]any{"state": "during"}, `"1"`).ExpectInvalid(t, "validation_failed", "state")
	restore(c, general, map[string]any{"stat": "before"}, `"1"`).ExpectProblem(t, 400, "bad_request")
	restore(c, general, "{", `"1"`).ExpectProblem(t, 400, "bad_request")
	if n := len(list(t, c, "section=general").Items); n != 1 {
		t.Fatalf("refused restores wrote %d entries", n-1)
	}
}

// A restore applies today's rules and checks: a verification section
// naming a level deleted since is refused like a PUT of it.
func TestRestoreOfADeletedLevelIs422(t *testing.T) {
	c := setup(t)
	c.Do(http.MethodPost, levelsPath, map[string]any{"label": "kyc1", "type": "personal"}, "").Expect(t, 201)
	c.Put(verifyPath, map[string]any{"required_level": "kyc1"}, `"0"`).Expect(t, 200)
	c.Put(verifyPath, map[string]any{"required_level": nil}, `"1"`).Expect(t, 200)
	c.Do(http.MethodDelete, levelsPath+"/kyc1", nil, `"1"`).Expect(t, 204)
	named := list(t, c, "section=verification").Items[1]
	if named.After["required_level"] != "kyc1" {
		t.Fatalf("entry %+v", named)
	}

	restore(c, named.ID, nil, `"2"`).ExpectInvalid(t, "unknown_level", "required_level")
	if doc := c.Get(verifyPath).Map(t); doc["required_level"] != nil || doc["version"] != 2.0 {
		t.Fatalf("section after a refused restore: %v", doc)
	}
	// Once the level exists again, the same restore goes through.
	c.Do(http.MethodPost, levelsPath, map[string]any{"label": "kyc1", "type": "personal"}, "").Expect(t, 201)
	if doc := restore(c, named.ID, nil, `"2"`).Expect(t, 200).Map(t); doc["required_level"] != "kyc1" || doc["version"] != 3.0 {
		t.Fatalf("restored %v", doc)
	}
}

func TestOnlyAdminsMayCall(t *testing.T) {
	c := setup(t)
	saveGeneral(t, c, 2, 1)
	id := list(t, c, "section=general").Items[0].ID
	routes := []apptest.Request{
		{Method: http.MethodGet, Path: "/admin/audit?section=general"},
		{Method: http.MethodPost, Path: "/admin/audit/" + id + "/restore", Headers: map[string]string{"If-Match": `"1"`}},
	}
	lambda := app.LambdaHandler(c.H)
	for _, r := range routes {
		c.Send(r).ExpectProblem(t, 401, "unauthenticated")
		r.Token = "someone-else"
		c.Send(r).ExpectProblem(t, 401, "unauthenticated")

		// A verified JWT without the admin group: 403.
		path, query, _ := strings.Cut(r.Path, "?")
		res, err := lambda(context.Background(), events.APIGatewayV2HTTPRequest{
			Version: "2.0", RawPath: path, RawQueryString: query, Headers: r.Headers,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				RequestID: "req-1",
				HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: path},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
					JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
						Claims: map[string]string{"sub": "u-1", "cognito:groups": "[support]"}}},
			},
		})
		if err != nil || res.StatusCode != 403 {
			t.Fatalf("%s %s with a non-admin JWT: %d %v", r.Method, path, res.StatusCode, err)
		}
	}
	if doc := c.Get(generalPath).Map(t); doc["version"] != 1.0 {
		t.Fatalf("a refused restore wrote: %v", doc)
	}
}

// The clients function serves the trail: a list and a restore of each kind
// of section (one whose save checks other configuration items, one whose
// answer reads them) make only the calls its policies allow.
func TestTheClientsFunctionServesTheTrail(t *testing.T) {
	env := apptest.New(t)
	clients, verify, languages := env.Admin("clients"), env.Admin("verification"), env.Admin("languages")
	verify.Do(http.MethodPost, levelsPath, map[string]any{"label": "kyc1", "type": "personal"}, "").Expect(t, 201)
	verify.Put(verifyPath, map[string]any{"required_level": "kyc1"}, `"0"`).Expect(t, 200)
	verify.Put(verifyPath, map[string]any{"required_level": nil}, `"1"`).Expect(t, 200)
	languages.Put("/admin/config/languages", map[string]any{
		"active": []map[string]any{{"code": "en", "enabled": true}, {"code": "de", "enabled": true}}, "default": "de",
	}, `"0"`).Expect(t, 200)

	named := list(t, clients, "section=verification&limit=1&cursor="+url.QueryEscape(*list(t, clients, "section=verification&limit=1").NextCursor)).Items[0]
	if doc := restore(clients, named.ID, nil, `"2"`).Expect(t, 200).Map(t); doc["required_level"] != "kyc1" || doc["version"] != 3.0 {
		t.Fatalf("restored verification %v", doc)
	}
	// The languages section's answer carries its warnings, as its GET does.
	first := list(t, clients, "section=languages").Items[0]
	res := restore(clients, first.ID, map[string]any{"state": "before"}, `"1"`).Expect(t, 200).Map(t)
	if res["default"] != "en" || res["version"] != 2.0 || res["warnings"] == nil {
		t.Fatalf("restored languages %v", res)
	}
}
