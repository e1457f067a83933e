package apptest

import (
	"net/http"
	"testing"
)

// Section is the old per-section helper, kept only until every test uses Client.
type Section struct {
	H    http.Handler
	Path string
}

func (s Section) Get(t testing.TB) *Response {
	t.Helper()
	return Do(t, s.H, Request{Method: "GET", Path: s.Path, Token: AdminToken})
}

func (s Section) Put(t testing.TB, body any, ifMatch string) *Response {
	t.Helper()
	return Do(t, s.H, Admin("PUT", s.Path, body, ifMatch))
}

func (s Section) RaceWriters(t testing.TB, n int, ifMatch string, body func(i int) any) int {
	t.Helper()
	return (&Client{T: t, H: s.H}).RaceWriters(s.Path, n, ifMatch, body)
}
