package roundtrips_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/callcount"
)

// TestRoutesStayWithinTheirRoundTrips drives every route of template.yaml
// (drive) and holds each request's AWS calls to its route's row in
// allowance: a call the row does not name, or more of one than it allows,
// fails the test. So does a route without a row, a row without a route, a
// route drive never got a 2xx answer from, and a docs/PERFORMANCE.md
// whose round-trip table is not the one the rows print.
func TestRoutesStayWithinTheirRoundTrips(t *testing.T) {
	w := newWorld(t, false)
	drive(w)

	rows := map[string]row{}
	for _, r := range allowance {
		if _, dup := rows[r.Route]; dup {
			t.Errorf("two rows for %s", r.Route)
		}
		rows[r.Route] = r
	}
	for _, route := range w.routes() {
		r, ok := rows[route]
		if !ok {
			t.Errorf("%s has no row in allowance: %s", route, observed(w.seen[route]))
			continue
		}
		exs := w.seen[route]
		if !slices.ContainsFunc(exs, func(e exercise) bool { return e.status < 300 }) {
			t.Errorf("%s: no request of the route succeeded", route)
		}
		for _, e := range exs {
			check(t, route, e.step, r.Allowed, e.handler)
			if fn := w.guard[route]; fn != "" {
				check(t, route+" (its authorizer)", e.step, rows[fn].Allowed, e.authorizer)
			}
			if len(e.others) > 0 {
				t.Errorf("%s, %s: calls of other functions: %v", route, e.step, e.others)
			}
			if n := configQueries(append(e.handler, e.authorizer...)); n > 1 && w.clientRoute(route) {
				t.Errorf("%s, %s: %d Queries of the configuration partition, want at most 1 for a client's request", route, e.step, n)
			}
		}
	}
	for _, r := range allowance {
		if _, ok := w.owner[r.Route]; !ok && !w.isAuthorizer(r.Route) {
			t.Errorf("row %q is no route of template.yaml", r.Route)
		}
	}
	if t.Failed() || testing.Verbose() {
		for _, route := range w.routes() {
			t.Logf("%-52s %s", route, observed(w.seen[route]))
		}
		t.Logf("%-52s %s", "authorizer", observedAuthorizer(w))
	}
	checkDoc(t)
}

// check fails t when calls exceed allowed (a spec).
func check(t *testing.T, route, step, allowed string, calls []callcount.Call) {
	t.Helper()
	limit, err := parseSpec(allowed)
	if err != nil {
		t.Errorf("%s: row %q: %v", route, allowed, err)
		return
	}
	for name, n := range callcount.Count(calls) {
		if n > limit[name] {
			t.Errorf("%s, %s: %d × %s, the row allows %d (%s); the calls: %v", route, step, n, name, limit[name], allowed, calls)
		}
	}
}

// configQueries counts the Queries of the configuration partition.
func configQueries(calls []callcount.Call) int {
	n := 0
	for _, c := range calls {
		if c.Name() == "dynamodb:Query" && slices.Contains(c.Partitions, dynamo.ConfigPartition()) {
			n++
		}
	}
	return n
}

// clientRoute reports whether route serves clients (or the services
// acting for them) rather than the back office.
func (w *world) clientRoute(route string) bool {
	for _, f := range w.tpl.Functions {
		for _, r := range f.Routes {
			if r.Pattern() == route {
				return w.tpl.Authorizer(r) != w.tpl.DefaultAuthorizer
			}
		}
	}
	return false
}

// isAuthorizer reports whether name is the function of a Lambda authorizer.
func (w *world) isAuthorizer(name string) bool {
	for _, la := range w.tpl.LambdaAuthorizers {
		if la.Function == name {
			return true
		}
	}
	return false
}

// observed is the most of each call any request of a route made, as a spec.
func observed(exs []exercise) string {
	return maxSpec(exs, func(e exercise) []callcount.Call { return e.handler })
}

func observedAuthorizer(w *world) string {
	var all []exercise
	for _, exs := range w.seen {
		all = append(all, exs...)
	}
	return maxSpec(all, func(e exercise) []callcount.Call { return e.authorizer })
}

func maxSpec(exs []exercise, of func(exercise) []callcount.Call) string {
	most := map[string]int{}
	for _, e := range exs {
		for name, n := range callcount.Count(of(e)) {
			most[name] = max(most[name], n)
		}
	}
	return formatSpec(most)
}

// A spec is calls as the rows and the documentation write them:
// "GetItem + 2 TransactWriteItems + Publish", DynamoDB's operations by
// their names, the other services' by theirs; "none" for no call.
var services = map[string]string{"Publish": "sns", "TranslateText": "translate"}

func fullName(op string) string {
	if s, ok := services[op]; ok {
		return s + ":" + op
	}
	return "dynamodb:" + op
}

func parseSpec(spec string) (map[string]int, error) {
	out := map[string]int{}
	if spec == "none" {
		return out, nil
	}
	for _, term := range strings.Split(spec, " + ") {
		n, op := 1, term
		if count, rest, ok := strings.Cut(term, " "); ok {
			var err error
			if n, err = strconv.Atoi(count); err != nil || n < 2 {
				return nil, fmt.Errorf("term %q: want [n ]Operation, n at least 2", term)
			}
			op = rest
		}
		if op == "" || strings.ContainsAny(op, " :") {
			return nil, fmt.Errorf("term %q: want [n ]Operation", term)
		}
		if _, dup := out[fullName(op)]; dup {
			return nil, fmt.Errorf("%s twice", op)
		}
		out[fullName(op)] = n
	}
	return out, nil
}

func formatSpec(calls map[string]int) string {
	names := make([]string, 0, len(calls))
	for name := range calls {
		names = append(names, name)
	}
	// DynamoDB first, then the other services.
	sort.Slice(names, func(i, j int) bool {
		di, dj := strings.HasPrefix(names[i], "dynamodb:"), strings.HasPrefix(names[j], "dynamodb:")
		if di != dj {
			return di
		}
		return names[i] < names[j]
	})
	var terms []string
	for _, name := range names {
		_, op, _ := strings.Cut(name, ":")
		if n := calls[name]; n > 1 {
			op = strconv.Itoa(n) + " " + op
		}
		terms = append(terms, op)
	}
	if len(terms) == 0 {
		return "none"
	}
	return strings.Join(terms, " + ")
}

// The round-trip table in docs/PERFORMANCE.md lies between these lines.
const (
	docBegin = "<!-- round trips: begin (generated from internal/app/roundtrips/allowance_test.go) -->"
	docEnd   = "<!-- round trips: end -->"
)

// checkDoc fails unless docs/PERFORMANCE.md holds the table the rows
// print; with ROUNDTRIPS_UPDATE_DOC=1 it writes it there instead.
func checkDoc(t *testing.T) {
	t.Helper()
	path := filepath.Join(repoRoot(t), "docs", "PERFORMANCE.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	begin, end := strings.Index(doc, docBegin), strings.Index(doc, docEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no round-trip table between %q and %q", path, docBegin, docEnd)
	}
	want := docBegin + "\n" + markdown() + docEnd
	if doc[begin:end+len(docEnd)] == want {
		return
	}
	if os.Getenv("ROUNDTRIPS_UPDATE_DOC") == "1" {
		if err := os.WriteFile(path, []byte(doc[:begin]+want+doc[end+len(docEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote the round-trip table into %s", path)
		return
	}
	t.Errorf("%s's round-trip table is not the one allowance prints (ROUNDTRIPS_UPDATE_DOC=1 writes it); want:\n%s", path, want)
}

// markdown is the rows as docs/PERFORMANCE.md shows them.
func markdown() string {
	var b strings.Builder
	b.WriteString("| route | allowed (the test fails above it) | minimum it needs | what the calls are |\n|---|---|---|---|\n")
	for _, r := range allowance {
		minimum := r.Minimum
		if minimum == "" {
			minimum = "the same"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.Route, r.Allowed, minimum, r.Why)
	}
	return b.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "template.yaml")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no template.yaml above the test")
		}
		dir = parent
	}
}

// serviceRequest is a request of an internal service (IAM-authorized in
// AWS; the dev service token here) to redeem an operation token.
func serviceRequest(body any) apptest.Request {
	return apptest.Request{Method: http.MethodPost, Path: "/tfa/operation-tokens/consume", Body: body, Token: apptest.ServiceToken}
}

func TestSpecsRoundTrip(t *testing.T) {
	for _, r := range allowance {
		for _, spec := range []string{r.Allowed, r.Minimum} {
			if spec == "" {
				continue
			}
			calls, err := parseSpec(spec)
			if err != nil {
				t.Errorf("%s: %v", r.Route, err)
			} else if got := formatSpec(calls); got != spec {
				t.Errorf("%s: %q is written %q", r.Route, spec, got)
			}
		}
	}
}
