package admindoc

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/dbtest"
)

var start = time.Date(2100, 3, 1, 9, 0, 0, 0, time.UTC)

func TestPositionsRoundTrip(t *testing.T) {
	p := position{section: "verification-levels", sk: dynamo.AuditKey("verification-levels", start, "0123456789abcdef").SK}
	id := p.String()
	if strings.ContainsAny(id, "+/=#") {
		t.Fatalf("id %q is not URL-safe", id)
	}
	if got, ok := parsePosition(id); !ok || got != p {
		t.Fatalf("parsed %+v %v, want %+v", got, ok, p)
	}
}

func TestForgedPositionsAreRefused(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	sk := dynamo.AuditKey("general", start, "0123456789abcdef").SK
	cases := map[string]string{
		"empty":                "",
		"not base64":           "!!!",
		"padded":               base64.URLEncoding.EncodeToString([]byte("general#" + sk)),
		"standard alphabet":    strings.ReplaceAll(strings.ReplaceAll(enc("general#"+sk), "-", "+"), "_", "/") + "+/",
		"no sort key":          enc("general"),
		"no section":           enc("#" + sk),
		"short id":             enc("general#" + sk[:len(sk)-1]),
		"upper-case id":        enc("general#" + sk[:31] + "0123456789ABCDEF"),
		"trimmed time":         enc("general#2100-03-01T09:00:00Z#0123456789abcdef"),
		"not a time":           enc("general#2100-13-01T09:00:00.000000000Z#0123456789abcdef"),
		"longer than any real": enc("general#" + sk + strings.Repeat("x", 600)),
	}
	for name, s := range cases {
		if p, ok := parsePosition(s); ok {
			t.Errorf("%s: %q parsed as %+v", name, s, p)
		}
	}
}

// fixture is a fresh table with a fake clock, for the trail's integration
// tests.
func fixture(t *testing.T) (Env, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(start)
	return Env{Table: dbtest.Table(t), Clock: clk}, clk
}

// record adds n events to section's trail, a second apart, and returns
// their "n" details, oldest first.
func record(t *testing.T, env Env, clk *clock.Fake, section string, n int) []float64 {
	t.Helper()
	var out []float64
	for i := range n {
		if err := RecordEvent(context.Background(), env.Table, section, "ops", clk.Now(), map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
		out = append(out, float64(i))
		clk.Advance(time.Second)
	}
	return out
}

func TestAuditPagesNewestFirstWithoutAnEmptyLastPage(t *testing.T) {
	env, clk := fixture(t)
	record(t, env, clk, "general", 7)
	record(t, env, clk, "documents", 2) // another trail is not paged with it
	ctx := context.Background()
	for _, tc := range []struct {
		limit int
		sizes []int
	}{{3, []int{3, 3, 1}}, {7, []int{7}}, {6, []int{6, 1}}, {100, []int{7}}} {
		var sizes []int
		var got []any
		seen := map[string]bool{}
		cursor := ""
		for range 10 {
			page, err := ListAuditPage(ctx, env.Table, "general", tc.limit, cursor)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(page.Items))
			for _, e := range page.Items {
				if seen[e.ID] || e.Section != "general" {
					t.Fatalf("limit %d: entry %+v repeated or of another section", tc.limit, e)
				}
				seen[e.ID] = true
				got = append(got, e.After["n"])
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if fmt.Sprint(sizes) != fmt.Sprint(tc.sizes) || fmt.Sprint(got) != "[6 5 4 3 2 1 0]" {
			t.Fatalf("limit %d: pages of %v, entries %v; want pages of %v, newest first", tc.limit, sizes, got, tc.sizes)
		}
	}
}

func TestForeignAndGarbageCursorsAre422(t *testing.T) {
	env, clk := fixture(t)
	record(t, env, clk, "general", 3)
	record(t, env, clk, "documents", 3)
	ctx := context.Background()
	docs, err := ListAuditPage(ctx, env.Table, "documents", 1, "")
	if err != nil || docs.Next == "" {
		t.Fatalf("%+v %v", docs, err)
	}
	general, _ := ListAuditPage(ctx, env.Table, "general", 1, "")
	bad := map[string]string{
		"another section's cursor": docs.Next,
		"an entry id":              general.Items[0].ID,
		"garbage":                  "not-a-cursor",
		"a forged sort key":        dynamo.EncodeCursor(dynamo.AuditPartition("general"), strings.Repeat("x", 2000)),
	}
	for name, cursor := range bad {
		_, err := ListAuditPage(ctx, env.Table, "general", 2, cursor)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "cursor" {
			t.Errorf("%s: got %v, want 422 naming cursor", name, err)
		}
	}
	if _, err := ListAuditPage(ctx, env.Table, "general", 2, general.Next); err != nil {
		t.Fatalf("the section's own cursor: %v", err)
	}
}

func TestAnEntryIsFoundByItsID(t *testing.T) {
	env, clk := fixture(t)
	record(t, env, clk, "general", 2)
	ctx := context.Background()
	page, _ := ListAuditPage(ctx, env.Table, "general", 10, "")
	e, err := GetAuditEntry(ctx, env.Table, page.Items[1].ID)
	if err != nil || e.ID != page.Items[1].ID || e.After["n"] != 0.0 || e.Actor != "ops" || !e.At.Equal(start) {
		t.Fatalf("got %+v %v", e, err)
	}
	missing := position{section: "general", sk: dynamo.AuditKey("general", start, "0000000000000000").SK}.String()
	for _, id := range []string{missing, "garbage", ""} {
		if _, err := GetAuditEntry(ctx, env.Table, id); apperr.CodeOf(err) != "not_found" {
			t.Errorf("%q: got %v, want not_found", id, err)
		}
	}
}

// The restore tests use a section of doc (body_test.go): n at most 100,
// 60 unless set.
func testSection() Definition[doc] {
	return Definition[doc]{
		Section: "test",
		Normalize: func(d *doc) {
			if d.N == 0 {
				d.N = 60
			}
		},
		Validate: func(d doc) error {
			var f apperr.Fields
			f.Check(d.N <= 100, "n", "must be at most 100")
			return f.Err()
		},
	}
}

func TestRestorePutsASectionBackAsAChangeOfItsOwn(t *testing.T) {
	env, clk := fixture(t)
	ctx := context.Background()
	s := New(env, testSection())
	// Entries are ordered by time: each write a second after the last.
	set := func(n int, s2 string) func(doc) (doc, error) {
		clk.Advance(time.Second)
		return func(doc) (doc, error) { return doc{N: n, S: s2}, nil }
	}
	if _, err := s.Modify(ctx, "test", nil, "ops", set(5, "first")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Modify(ctx, "test", nil, "ops", set(7, "second")); err != nil {
		t.Fatal(err)
	}
	trail, _ := ListAudit(ctx, env.Table, "test", 10)
	first := trail[1]

	if _, err := s.Restore(ctx, first.After, 1, "boss"); apperr.CodeOf(err) != "version_conflict" {
		t.Fatalf("stale version: %v", err)
	}
	clk.Advance(time.Second)
	rec, err := s.Restore(ctx, first.After, 2, "boss")
	if err != nil || rec.Doc != (doc{N: 5, S: "first"}) || rec.Version != 3 || rec.UpdatedBy != "boss" {
		t.Fatalf("restored %+v %v", rec, err)
	}
	// The first save's before is the section's defaults.
	clk.Advance(time.Second)
	rec, err = s.Restore(ctx, first.Before, 3, "boss")
	if err != nil || rec.Doc != (doc{N: 60}) || rec.Version != 4 {
		t.Fatalf("restored the defaults %+v %v", rec, err)
	}
	trail, _ = ListAudit(ctx, env.Table, "test", 10)
	if len(trail) != 4 || trail[1].Actor != "boss" || trail[1].Version != 3 ||
		trail[1].Before["s"] != "second" || trail[1].After["s"] != "first" {
		t.Fatalf("the restore's own entry: %+v", trail)
	}
}

func TestRestoreAppliesTodaysRules(t *testing.T) {
	env, _ := fixture(t)
	ctx := context.Background()
	s := New(env, testSection())
	cases := []struct {
		name     string
		snapshot map[string]any
		code     string
		field    string
	}{
		{"a rule broken", map[string]any{"n": 500.0, "s": ""}, "validation_failed", "n"},
		{"a field the section no longer has", map[string]any{"n": 5.0, "colour": "red"}, "validation_failed", "colour"},
		{"a value the field can no longer hold", map[string]any{"n": "five"}, "validation_failed", "n"},
		{"nothing recorded", nil, "not_restorable", ""},
	}
	for _, tc := range cases {
		_, err := s.Restore(ctx, tc.snapshot, 0, "boss")
		e, ok := apperr.As(err)
		if !ok || e.Code != tc.code || (tc.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != tc.field)) {
			t.Errorf("%s: got %v, want %s naming %q", tc.name, err, tc.code, tc.field)
		}
	}
	if trail, _ := ListAudit(ctx, env.Table, "test", 10); len(trail) != 0 {
		t.Fatalf("a refused restore wrote %d entries", len(trail))
	}
	// A collection's store restores nothing.
	items := New(env, Definition[doc]{Path: "/admin/things", Noun: "thing", Label: func(d doc) string { return d.S }})
	if _, err := items.Restore(ctx, map[string]any{"s": "x"}, 1, "boss"); apperr.CodeOf(err) != "not_restorable" {
		t.Fatalf("collection: %v", err)
	}
}
