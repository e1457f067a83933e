package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// operation is one operation of docs/openapi.yaml.
type operation struct {
	Method, Path, ID string
	// Schemes are the security schemes that admit a caller (adminJwt,
	// clientSession, serviceIam); none where the document says `security: []`.
	Schemes []string
}

// Secured: the operation takes a credential.
func (o operation) Secured() bool { return len(o.Schemes) > 0 }

// Uses reports whether scheme admits callers of the operation.
func (o operation) Uses(scheme string) bool { return slices.Contains(o.Schemes, scheme) }

func (o operation) pattern() string { return o.Method + " " + o.Path }

// loadOperations reads the operations of an OpenAPI document.
func loadOperations(spec string) ([]operation, error) {
	data, err := os.ReadFile(spec)
	if err != nil {
		return nil, err
	}
	type op struct {
		OperationID string            `yaml:"operationId"`
		Security    *[]map[string]any `yaml:"security"`
	}
	var doc struct {
		Security []map[string]any                `yaml:"security"`
		Paths    map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", spec, err)
	}
	var ops []operation
	for path, items := range doc.Paths {
		for method, node := range items {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
			default:
				continue // parameters, summary...
			}
			var o op
			if err := node.Decode(&o); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			security := doc.Security
			if o.Security != nil {
				security = *o.Security
			}
			var schemes []string
			for _, requirement := range security {
				for name := range requirement {
					schemes = append(schemes, name)
				}
			}
			slices.Sort(schemes)
			ops = append(ops, operation{Method: strings.ToUpper(method), Path: path, ID: o.OperationID, Schemes: schemes})
		}
	}
	slices.SortFunc(ops, func(a, b operation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return ops, nil
}

// matcher finds the operation of a request.
type matcher struct{ mux *http.ServeMux }

func newMatcher(ops []operation, keep func(operation) bool) matcher {
	m := matcher{mux: http.NewServeMux()}
	for _, o := range ops {
		if keep == nil || keep(o) {
			m.mux.Handle(o.pattern(), http.NotFoundHandler())
		}
	}
	return m
}

// Match is the pattern ("POST /me/sessions/{id}") of the operation that
// serves method and path, or "".
func (m matcher) Match(method, path string) string {
	_, pattern := m.mux.Handler(&http.Request{Method: method, URL: &url.URL{Path: path}, Host: "localhost"})
	return pattern
}

// coverage is what the dev server answered, per operation, as its log
// says.
type coverage struct {
	ops    []operation
	stats  map[string]*opStats // by pattern
	other  int                 // requests to no operation (unknown paths, other methods)
	errors []string            // the server's ERROR lines
}

type opStats struct {
	requests int
	statuses map[int]int
	// admitted counts the requests the operation's handler ran for: an
	// answer other than 401, and for a secured operation one that named
	// its caller (an admin, a client, a service).
	admitted int
}

// logLine is the dev server's log line of one request (httpapi.Router).
type logLine struct {
	Level   string `json:"level"`
	Msg     string `json:"msg"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Status  int    `json:"status"`
	Subject string `json:"subject"`
}

// analyseLog reads the dev server's log at path.
func analyseLog(path string, ops []operation) (*coverage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return analyse(f, ops)
}

func analyse(r io.Reader, ops []operation) (*coverage, error) {
	cov := &coverage{ops: ops, stats: map[string]*opStats{}}
	m := newMatcher(ops, nil)
	secured := map[string]bool{}
	for _, o := range ops {
		cov.stats[o.pattern()] = &opStats{statuses: map[int]int{}}
		secured[o.pattern()] = o.Secured()
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // the server's start-up lines
		}
		var l logLine
		if json.Unmarshal(line, &l) != nil {
			continue
		}
		if l.Level == "ERROR" {
			cov.errors = append(cov.errors, string(line))
		}
		if l.Msg != "request" {
			continue
		}
		pattern := m.Match(l.Method, l.Path)
		s := cov.stats[pattern]
		if s == nil {
			cov.other++
			continue
		}
		s.requests++
		s.statuses[l.Status]++
		if l.Status != http.StatusUnauthorized && (!secured[pattern] || l.Subject != "") {
			s.admitted++
		}
	}
	return cov, sc.Err()
}

// Print writes a line per operation: requests, and how many of each status.
func (c *coverage) Print(w io.Writer) {
	total := 0
	fmt.Fprintln(w, "contract: what the server answered, per operation (status×requests):")
	for _, o := range c.ops {
		s := c.stats[o.pattern()]
		total += s.requests
		codes := make([]int, 0, len(s.statuses))
		for code := range s.statuses {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		parts := make([]string, len(codes))
		for i, code := range codes {
			parts[i] = strconv.Itoa(code) + "×" + strconv.Itoa(s.statuses[code])
		}
		fmt.Fprintf(w, "  %-6s %-52s %5d  %s\n", o.Method, o.Path, s.requests, strings.Join(parts, " "))
	}
	fmt.Fprintf(w, "contract: %d requests to the %d operations, %d to other methods and paths\n", total, len(c.ops), c.other)
	if len(c.errors) > 0 {
		fmt.Fprintf(w, "contract: the server logged %d errors:\n", len(c.errors))
		for i, e := range c.errors {
			if i == 20 {
				fmt.Fprintf(w, "  ... (%d more)\n", len(c.errors)-i)
				break
			}
			fmt.Fprintln(w, "  "+e)
		}
	}
}

// Problems lists the operations no request reached, or none got past
// authentication: Schemathesis passing them proves nothing of their
// handlers.
func (c *coverage) Problems() []error {
	var out []error
	for _, o := range c.ops {
		s := c.stats[o.pattern()]
		switch {
		case s.requests == 0:
			out = append(out, fmt.Errorf("%s (%s) was never called", o.pattern(), o.ID))
		case s.admitted == 0:
			out = append(out, fmt.Errorf("%s (%s): no request got past authentication", o.pattern(), o.ID))
		}
	}
	return out
}
