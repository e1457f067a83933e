// Command fuzz runs every fuzz target of the module, one after another,
// each for a while:
//
//	go run ./internal/devtools/fuzz [-fuzztime 2s] [-run regexp] [-list] [packages]
//
// It finds the targets (func FuzzXxx(f *testing.F) in the packages' test
// files, read with go/parser: listing them with `go test -list` would
// build every test binary first), checks that each has seeds (a corpus in
// testdata/fuzz/FuzzXxx, or f.Add calls), and runs each with
//
//	go test -run '^$' -fuzz '^FuzzXxx$' -fuzztime <d> <package>
//
// printing a summary line per target. It fails if any target fails or has
// no seeds. A failing input is written by go test to the package's
// testdata/fuzz/FuzzXxx, where it becomes a seed: commit it with the fix.
// `make test` runs every target briefly, `make fuzz` longer.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// target is one fuzz target.
type target struct {
	Pkg, Dir, Name string
	SeedFiles      int  // files in testdata/fuzz/Name
	CodeSeeds      bool // the target calls f.Add
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fuzztime := fs.String("fuzztime", "2s", "how long each target fuzzes: a duration (30s) or a count of inputs (1000x)")
	only := fs.String("run", "", "run only the targets whose name (or package/name) matches this regexp")
	list := fs.Bool("list", false, "list the targets and their seeds, and run none")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./internal/devtools/fuzz [-fuzztime 2s] [-run regexp] [-list] [packages (default ./...)]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !validFuzztime(*fuzztime) {
		fmt.Fprintf(stderr, "fuzz: -fuzztime %q is neither a duration nor a count such as 1000x\n", *fuzztime)
		return 2
	}
	var filter *regexp.Regexp
	if *only != "" {
		var err error
		if filter, err = regexp.Compile(*only); err != nil {
			fmt.Fprintln(stderr, "fuzz: -run:", err)
			return 2
		}
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	targets, err := discover(ctx, patterns)
	if err != nil {
		fmt.Fprintln(stderr, "fuzz:", err)
		return 1
	}
	var chosen []target
	for _, t := range targets {
		if filter == nil || filter.MatchString(t.Name) || filter.MatchString(t.Pkg+"/"+t.Name) {
			chosen = append(chosen, t)
		}
	}
	if len(chosen) == 0 {
		fmt.Fprintln(stderr, "fuzz: no fuzz target found")
		return 1
	}
	unseeded := 0
	for _, t := range chosen {
		if t.SeedFiles == 0 && !t.CodeSeeds {
			fmt.Fprintf(stderr, "fuzz: %s.%s has no seeds: add a corpus in %s\n", t.Pkg, t.Name,
				filepath.Join(t.Dir, "testdata", "fuzz", t.Name))
			unseeded++
		}
	}
	if *list {
		for _, t := range chosen {
			fmt.Fprintf(stdout, "%-32s %-48s %s\n", t.Name, t.Pkg, seedsText(t))
		}
		return boolExit(unseeded > 0)
	}
	fmt.Fprintf(stdout, "fuzz: %d targets, %s each\n", len(chosen), *fuzztime)
	start := time.Now()
	failed := 0
	for _, t := range chosen {
		res := fuzzOne(ctx, t, *fuzztime)
		status := "ok  "
		if res.err != nil {
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "%s %-32s %-48s %6.1fs  %s  %s\n", status, t.Name, t.Pkg, res.took.Seconds(), res.stats, seedsText(t))
		if res.err != nil {
			fmt.Fprintf(stdout, "---- %s.%s: %v\n%s----\n", t.Pkg, t.Name, res.err, indent(res.output))
		}
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "fuzz: interrupted")
			return 1
		}
	}
	fmt.Fprintf(stdout, "fuzz: %d targets in %.0fs, %d failed, %d without seeds\n",
		len(chosen), time.Since(start).Seconds(), failed, unseeded)
	return boolExit(failed > 0 || unseeded > 0)
}

func boolExit(fail bool) int {
	if fail {
		return 1
	}
	return 0
}

func seedsText(t target) string {
	s := fmt.Sprintf("seeds: %d files", t.SeedFiles)
	if t.CodeSeeds {
		s += " + f.Add"
	}
	return s
}

// validFuzztime reports whether go test takes s as -fuzztime.
func validFuzztime(s string) bool {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		v, err := strconv.Atoi(n)
		return err == nil && v > 0
	}
	d, err := time.ParseDuration(s)
	return err == nil && d > 0
}

// discover finds the fuzz targets of the packages patterns name.
func discover(ctx context.Context, patterns []string) ([]target, error) {
	args := append([]string{"list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .TestGoFiles \",\"}}\t{{join .XTestGoFiles \",\"}}"}, patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var targets []target
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 4 {
			return nil, fmt.Errorf("go list: unexpected line %q", sc.Text())
		}
		pkg, dir := parts[0], parts[1]
		var files []string
		for _, list := range parts[2:] {
			if list != "" {
				files = append(files, strings.Split(list, ",")...)
			}
		}
		for _, name := range files {
			found, err := targetsIn(filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			for _, t := range found {
				t.Pkg, t.Dir = pkg, dir
				t.SeedFiles = countFiles(filepath.Join(dir, "testdata", "fuzz", t.Name))
				targets = append(targets, t)
			}
		}
	}
	return targets, sc.Err()
}

// targetsIn returns the fuzz targets a test file declares: top-level
// functions FuzzXxx (Xxx not starting with a lower-case letter) taking
// one *testing.F, as go test finds them.
func targetsIn(path string) ([]target, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return targetsInSource(path, src)
}

func targetsInSource(path string, src []byte) ([]target, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	testing := map[string]bool{} // the names "testing" is imported as
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "testing" {
			name := "testing"
			if imp.Name != nil {
				name = imp.Name.Name
			}
			testing[name] = true
		}
	}
	var out []target
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !isFuzzName(fn.Name.Name) || !takesTestingF(fn, testing) {
			continue
		}
		out = append(out, target{Name: fn.Name.Name, CodeSeeds: callsAdd(fn)})
	}
	return out, nil
}

// isFuzzName is go test's rule: "Fuzz", then nothing or a character that
// is not a lower-case letter.
func isFuzzName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Fuzz")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

func takesTestingF(fn *ast.FuncDecl, testing map[string]bool) bool {
	params := fn.Type.Params.List
	if len(params) != 1 || len(params[0].Names) > 1 || fn.Type.Results != nil {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && testing[x.Name] && sel.Sel.Name == "F"
}

// callsAdd reports whether fn adds seeds in code: <its *testing.F>.Add(...).
func callsAdd(fn *ast.FuncDecl) bool {
	if len(fn.Type.Params.List[0].Names) == 0 {
		return false
	}
	f := fn.Type.Params.List[0].Names[0].Name
	found := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return !found
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Add" {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == f {
				found = true
			}
		}
		return !found
	})
	return found
}

func countFiles(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() {
			n++
		}
	}
	return n
}

// result is what one target's run did.
type result struct {
	took   time.Duration
	stats  string // "execs 12345, new interesting 3"
	output string
	err    error
}

func fuzzOne(ctx context.Context, t target, fuzztime string) result {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-fuzz", "^"+t.Name+"$", "-fuzztime", fuzztime, t.Pkg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := result{took: time.Since(start), output: out.String(), stats: stats(out.String())}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = fmt.Errorf("go test exited with %d", exit.ExitCode())
		}
		res.err = err
	} else if !strings.Contains(res.output, "\nPASS\n") && !strings.HasPrefix(res.output, "PASS\n") {
		res.err = errors.New("go test did not say PASS")
	}
	return res
}

var (
	progress = regexp.MustCompile(`fuzz: elapsed: \S+, execs: (\d+) \([^)]*\), new interesting: (\d+)`)
	baseline = regexp.MustCompile(`fuzz: elapsed: \S+, gathering baseline coverage: (\d+)/(\d+) completed`)
)

// stats reads the last progress line of go test's fuzzing output. The
// time of a target includes replaying its corpus (the seeds, and the
// inputs earlier runs found, cached in GOCACHE) before any new input is
// tried; a run that ends before that is done says so.
func stats(output string) string {
	if m := progress.FindAllStringSubmatch(output, -1); len(m) > 0 {
		last := m[len(m)-1]
		return fmt.Sprintf("execs %9s, new interesting %3s", last[1], last[2])
	}
	if m := baseline.FindAllStringSubmatch(output, -1); len(m) > 0 {
		last := m[len(m)-1]
		return fmt.Sprintf("corpus replayed %s/%s, no new input", last[1], last[2])
	}
	return "execs ?"
}

// indent prints the tail of a failed run's output (the failure and the
// path of the input go test wrote), indented.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var keep []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "fuzz: elapsed:") {
			keep = append(keep, l)
		}
	}
	if len(keep) > 60 {
		keep = keep[len(keep)-60:]
	}
	return "    " + strings.Join(keep, "\n    ") + "\n"
}
