// Command iamcheck fails when template.yaml grants a function a permission
// that no test used, reading the calls the test processes of a run recorded
// (package iamrecord):
//
//	go run ./internal/devtools/iamcheck <records folder>
//
// The tests already fail on a call a policy does not allow; this is the
// other direction of least privilege. An unused grant is either a
// permission to take away or a code path without a test. `make test` runs
// it after the tests, on the folder testenv gave them.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"clientarea/internal/devtools/iamrecord"
	"clientarea/internal/devtools/samtemplate"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	dir := os.Getenv(iamrecord.DirEnv)
	if len(args) == 1 {
		dir = args[0]
	}
	if dir == "" || len(args) > 1 {
		fmt.Fprintln(stderr, "usage: iamcheck <records folder> (or set "+iamrecord.DirEnv+")")
		return 2
	}
	tpl, err := samtemplate.Find()
	if err != nil {
		fmt.Fprintln(stderr, "iamcheck:", err)
		return 1
	}
	records, err := iamrecord.Read(dir)
	if err != nil {
		fmt.Fprintln(stderr, "iamcheck:", err)
		return 1
	}
	if len(records) == 0 {
		// Nothing recorded means the tests did not run with the folder set,
		// not that every grant is unused.
		fmt.Fprintf(stderr, "iamcheck: no calls recorded in %s; did the tests run with %s set?\n", dir, iamrecord.DirEnv)
		return 1
	}
	problems := unused(tpl, records)
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "iamcheck: %d grants in template.yaml that no test used: remove them, or test the code that needs them\n", len(problems))
		return 1
	}
	fmt.Fprintf(stdout, "iamcheck: every grant of %d functions was used (%d distinct calls)\n", len(tpl.Functions), len(records))
	return 0
}

// unused lists, per function, each grant none of the function's recorded
// calls used.
func unused(tpl *samtemplate.Template, records []iamrecord.Record) []string {
	calls := map[string][]samtemplate.Call{}
	for _, r := range records {
		calls[r.Function] = append(calls[r.Function], r.Call)
	}
	var out []string
	for _, f := range tpl.Functions {
		for _, g := range f.Unused(calls[f.Name]) {
			out = append(out, f.Name+": unused "+g.String())
		}
		delete(calls, f.Name)
	}
	for fn := range calls {
		out = append(out, fn+": calls recorded for a function template.yaml does not have")
	}
	sort.Strings(out)
	return out
}
