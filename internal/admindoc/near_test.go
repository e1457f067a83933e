package admindoc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
)

// countingDB counts the reads a store makes.
type countingDB struct {
	dynamo.API
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingDB) count(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[op]++
}

// take returns the reads counted since the last take, as "GetItem=1 Query=2".
func (c *countingDB) take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for _, op := range []string{"GetItem", "Query", "TransactWriteItems"} {
		if n := c.calls[op]; n > 0 {
			parts = append(parts, op+"="+strconv.Itoa(n))
		}
	}
	c.calls = map[string]int{}
	return strings.Join(parts, " ")
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.count("GetItem")
	return c.API.GetItem(ctx, in, o...)
}

func (c *countingDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.count("Query")
	return c.API.Query(ctx, in, o...)
}

func (c *countingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.count("TransactWriteItems")
	return c.API.TransactWriteItems(ctx, in, o...)
}

// A labelled item of the partition (stored under the levels' prefix) and
// of another collection (the statuses' prefix), and a section that lists,
// as its annotation, the items' labels the section does not name.
type (
	nearItem    struct{ Label, Note string }
	nearSection struct {
		Named []string `json:"named"`
	}
)

func nearItems(prefix string, key func(string) dynamo.Key, builtins func() []nearItem) Definition[nearItem] {
	return Definition[nearItem]{
		Path: "/items" + strings.ToLower(strings.TrimSuffix(prefix, "#")), Noun: "item", Type: "item", Audit: "items",
		Prefix: prefix, Key: key, Label: func(i nearItem) string { return i.Label },
		ValidLabel: func(s string) bool { return s != "" }, Builtins: builtins,
		Normalize: func(*nearItem) {}, Validate: func(nearItem) error { return nil },
	}
}

func nearSectionDef(items, others *Store[nearItem], around KeyRange) Definition[nearSection] {
	return Definition[nearSection]{
		Section: "near", Around: around,
		Normalize: func(s *nearSection) {
			if s.Named == nil {
				s.Named = []string{}
			}
		},
		Validate: func(nearSection) error { return nil },
		Annotate: func(ctx context.Context, s nearSection, near Nearby) (map[string]any, error) {
			left := []string{}
			for _, st := range []*Store[nearItem]{items, others} {
				recs, err := st.ListNear(ctx, near)
				if err != nil {
					return nil, err
				}
				for _, r := range recs {
					if !strings.Contains(strings.Join(s.Named, ","), r.Doc.Label) {
						left = append(left, r.Doc.Label)
					}
				}
			}
			return map[string]any{"left": left}, nil
		},
		Annotations: []string{"left"},
	}
}

// A section with an Around range is read with the items its annotations
// need in one Query, on GET and on PUT (whose answer is annotated from the
// saved document); without the range, the same answers take a GetItem and
// the annotations' own Queries.
func TestAroundReadsTheSectionWithItsAnnotationsInOneQuery(t *testing.T) {
	env, _ := fixture(t)
	db := &countingDB{API: env.Table.DB, calls: map[string]int{}}
	env.Table.DB = db
	env.Guard = func(h httpapi.HandlerFunc) httpapi.HandlerFunc { return h }
	items := New(env, nearItems(dynamo.LevelPrefix, dynamo.LevelKey, nil))
	others := New(env, nearItems(dynamo.StatusPrefix, dynamo.StatusKey, func() []nearItem { return []nearItem{{Label: "Builtin"}} }))
	ctx := context.Background()

	serve := func(around KeyRange) http.Handler {
		rt := httpapi.NewRouter()
		New(env, nearSectionDef(items, others, around)).Serve(rt)
		return rt
	}
	with, without := serve(Prefixes(dynamo.LevelPrefix, dynamo.StatusPrefix)), serve(KeyRange{})
	do := func(h http.Handler, method, body, ifMatch string) string {
		t.Helper()
		path := "/admin/config/near"
		if method == "GET+" { // a GET that asks for the annotation
			method, path = "GET", path+"?include=left"
		}
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		if ifMatch != "" {
			r.Header.Set("If-Match", ifMatch)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", method, w.Code, w.Body)
		}
		return strings.TrimSpace(w.Body.String())
	}
	expect := func(what, got, want, calls, wantCalls string) {
		t.Helper()
		if got != want || calls != wantCalls {
			t.Fatalf("%s: %s after %s\nwant %s after %s", what, got, calls, want, wantCalls)
		}
	}

	// Never saved: the defaults, and the built-in item. A plain GET is the
	// document alone, one GetItem, with or without the range.
	got := do(with, "GET+", "", "")
	expect("GET before a save", got, `{"named":[],"left":["Builtin"],"version":0}`, db.take(), "Query=1")
	got = do(without, "GET+", "", "")
	expect("GET without Around", got, `{"named":[],"left":["Builtin"],"version":0}`, db.take(), "GetItem=1 Query=2")
	for _, h := range []http.Handler{with, without} {
		expect("plain GET before a save", do(h, "GET", "", ""), `{"named":[],"version":0}`, db.take(), "GetItem=1")
	}

	for _, label := range []string{"b", "a", "c"} {
		if _, err := items.Create(ctx, nearItem{Label: label}, "admin"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := others.Create(ctx, nearItem{Label: "Other"}, "admin"); err != nil {
		t.Fatal(err)
	}
	db.take()

	// The PUT's answer is the saved document's; the GET reads it back.
	got = do(with, "PUT", `{"named":["a","Other"]}`, `"0"`)
	want := `{"named":["a","Other"],"left":["b","c","Builtin"],"updated_at":"2100-03-01T09:00:00Z","updated_by":"","version":1}`
	expect("PUT", got, want, db.take(), "Query=1 TransactWriteItems=1")
	expect("GET", do(with, "GET+", "", ""), want, db.take(), "Query=1")
	expect("GET without Around", do(without, "GET+", "", ""), want, db.take(), "GetItem=1 Query=2")
	plain := `{"named":["a","Other"],"updated_at":"2100-03-01T09:00:00Z","updated_by":"","version":1}`
	expect("plain GET", do(with, "GET", "", ""), plain, db.take(), "GetItem=1")

	// The range's other items (another section) are no collection's.
	other := New(env, Definition[nearSection]{Section: "another", Normalize: func(*nearSection) {}, Validate: func(nearSection) error { return nil }})
	if _, err := other.Modify(ctx, "another", nil, "admin", func(nearSection) (nearSection, error) { return nearSection{Named: []string{"x"}}, nil }); err != nil {
		t.Fatal(err)
	}
	db.take()
	expect("GET with another section in the range", do(with, "GET+", "", ""), want, db.take(), "Query=1")
}

// include names annotations of the section, comma-separated; an empty one
// is a plain GET; anything else is a 422 naming include and what it may
// hold, before any read: for a section without annotations, nothing.
func TestIncludeNamesTheSectionsAnnotations(t *testing.T) {
	env, _ := fixture(t)
	db := &countingDB{API: env.Table.DB, calls: map[string]int{}}
	env.Table.DB = db
	env.Guard = func(h httpapi.HandlerFunc) httpapi.HandlerFunc { return h }
	items := New(env, nearItems(dynamo.LevelPrefix, dynamo.LevelKey, nil))
	others := New(env, nearItems(dynamo.StatusPrefix, dynamo.StatusKey, nil))
	rt := httpapi.NewRouter()
	New(env, nearSectionDef(items, others, Prefixes(dynamo.LevelPrefix, dynamo.StatusPrefix))).Serve(rt)
	New(env, Definition[nearSection]{Section: "plain", Normalize: func(*nearSection) {}, Validate: func(nearSection) error { return nil }}).Serve(rt)

	const (
		doc       = `{"named":[],"version":0}`
		annotated = `{"named":[],"left":[],"version":0}`
		plainDoc  = `{"named":null,"version":0}`
		nearRule  = "must be a comma-separated list of: left"
		plainRule = "names nothing plain can include: its answers carry no annotations (none)"
	)
	for _, c := range []struct {
		path   string
		status int
		want   string // the body of a 200; the include field's message of a 422
		calls  string
	}{
		{"near", 200, doc, "GetItem=1"},
		{"near?include=", 200, doc, "GetItem=1"},
		{"near?include=left", 200, annotated, "Query=1"},
		{"near?include=left,left", 200, annotated, "Query=1"},
		{"near?include=right", 422, nearRule, ""},
		{"near?include=left,", 422, nearRule, ""},
		{"near?include=Left", 422, nearRule, ""},
		{"near?include=left&include=x", 422, nearRule, ""},
		{"plain", 200, plainDoc, "GetItem=1"},
		{"plain?include=", 200, plainDoc, "GetItem=1"},
		{"plain?include=left", 422, plainRule, ""},
		{"plain?include=x,y", 422, plainRule, ""},
	} {
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, httptest.NewRequest("GET", "/admin/config/"+c.path, nil))
		got, calls := strings.TrimSpace(w.Body.String()), db.take()
		want := c.want
		if c.status == 422 {
			want = `{"field":"include","message":"` + c.want + `"}`
		}
		if w.Code != c.status || !strings.Contains(got, want) || calls != c.calls {
			t.Errorf("GET %s: %d %s after %q\nwant %d %s after %q", c.path, w.Code, got, calls, c.status, want, c.calls)
		}
		if c.status == 422 && !strings.Contains(got, `"code":"validation_failed"`) {
			t.Errorf("GET %s: %s, want validation_failed", c.path, got)
		}
	}
}
