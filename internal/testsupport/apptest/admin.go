package apptest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"clientarea/internal/admindoc"
)

// Client is the one way integration tests talk to a function: an admin
// (or, with Anonymous, nobody) sending requests to the function's real
// handler. Each request moves the fake clock on by a second afterwards, so
// that audit entries, which are ordered by time, come out in request order.
type Client struct {
	T   testing.TB
	Env *Env
	H   http.Handler
}

// Admin returns a client of the named function's handler.
func (e *Env) Admin(fn string) *Client {
	e.t.Helper()
	return &Client{T: e.t, Env: e, H: e.Handler(fn)}
}

// Do sends one admin request; ifMatch, unless empty, is the If-Match header.
func (c *Client) Do(method, path string, body any, ifMatch string) *Response {
	c.T.Helper()
	return c.Send(Admin(method, path, body, ifMatch))
}

// Send sends r as it is (any token, any headers).
func (c *Client) Send(r Request) *Response {
	c.T.Helper()
	defer c.Env.Clock.Advance(time.Second)
	return Do(c.T, c.H, r)
}

// Anonymous sends a request without credentials.
func (c *Client) Anonymous(method, path string, body any) *Response {
	c.T.Helper()
	return c.Send(Request{Method: method, Path: path, Body: body})
}

// Get reads path.
func (c *Client) Get(path string) *Response {
	c.T.Helper()
	return c.Do(http.MethodGet, path, nil, "")
}

// Put replaces the document at path, based on ifMatch ("" sends none).
func (c *Client) Put(path string, body any, ifMatch string) *Response {
	c.T.Helper()
	return c.Do(http.MethodPut, path, body, ifMatch)
}

// RaceWriters PUTs body(i) to path for i in [0, n) at the same time, all
// with ifMatch, and returns the index of the one writer that succeeded. It
// fails the test unless exactly one got 200 and every other one 412.
func (c *Client) RaceWriters(path string, n int, ifMatch string, body func(i int) any) int {
	t := c.T
	t.Helper()
	statuses := Concurrently(n, func(i int) int { return Do(t, c.H, Admin(http.MethodPut, path, body(i), ifMatch)).Status })
	winner := -1
	for i, st := range statuses {
		switch {
		case st == 200 && winner >= 0:
			t.Fatalf("two writers succeeded with the same version: %d and %d", winner, i)
		case st == 200:
			winner = i
		case st != 412:
			t.Fatalf("writer %d got %d, want 200 or 412", i, st)
		}
	}
	if winner < 0 {
		t.Fatal("no writer succeeded")
	}
	return winner
}

// Audit lists a section's audit entries, newest first.
func (c *Client) Audit(section string) []admindoc.AuditEntry {
	c.T.Helper()
	return c.Env.AuditEntries(section)
}

// AuditEntries lists a section's audit entries, newest first.
func (e *Env) AuditEntries(section string) []admindoc.AuditEntry {
	e.t.Helper()
	entries, err := admindoc.ListAudit(context.Background(), e.Deps.Table, section, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// ExpectInvalid fails t unless the answer is a whole 422 problem: status,
// problem+json, the code's type and title, and an error with a message for
// each of fields, in order. It returns the problem.
func (r *Response) ExpectInvalid(t testing.TB, code string, fields ...string) map[string]any {
	t.Helper()
	p := r.ExpectProblem(t, http.StatusUnprocessableEntity, code)
	if p["status"] != float64(http.StatusUnprocessableEntity) || p["title"] != "Unprocessable Entity" ||
		p["type"] != "urn:clientarea:problem:"+code || p["detail"] == "" {
		t.Fatalf("problem members: %s", r.Body)
	}
	errs, _ := p["errors"].([]any)
	if len(errs) != len(fields) {
		t.Fatalf("%d field errors, want %v: %s", len(errs), fields, r.Body)
	}
	for i, e := range errs {
		fe, _ := e.(map[string]any)
		if msg, _ := fe["message"].(string); fe["field"] != fields[i] || msg == "" {
			t.Fatalf("error %d is %v, want field %s with a message: %s", i, e, fields[i], r.Body)
		}
	}
	return p
}
