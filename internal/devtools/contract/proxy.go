package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// sessionProxy stands between Schemathesis and the dev server and keeps
// the client session Schemathesis uses alive for the whole run.
//
// Schemathesis sends every client operation with one token, the alias
// (the session the client's sign-up opened). Operations end sessions:
// POST /auth/logout and DELETE /me/sessions/{id} end the caller's, and an
// admin operation may shorten `session_minutes` until an idle session
// expires. Once that happened, every later client operation would only
// prove that a dead token answers 401. So the proxy sends the alias as the
// session that is live now, and when the server refuses that session
// (401), it logs the client in again, for the requests that follow.
//
// It changes no answer and repeats no request: the request that found the
// session ended gets the server's 401 as it is, which the contract
// documents. It only chooses the token of later requests.
type sessionProxy struct {
	URL      string
	alias    string
	sessions matcher // the operations the client session admits callers to
	login    func(context.Context) (string, error)

	mu       sync.Mutex
	current  string
	relogins map[string]int // by the refusal's problem code
	failure  error          // a login that failed: later requests keep the dead token
	srv      *http.Server
}

func startSessionProxy(target, alias string, sessions matcher, login func(context.Context) (string, error)) (*sessionProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &sessionProxy{URL: "http://" + l.Addr().String(), alias: alias, sessions: sessions, login: login,
		current: alias, relogins: map[string]int{}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			if pr.In.Header.Get("Authorization") == "Bearer "+alias {
				pr.Out.Header.Set("Authorization", "Bearer "+p.token())
			}
		},
		ModifyResponse: p.observe,
	}
	p.srv = &http.Server{Handler: rp, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

func (p *sessionProxy) Close() { _ = p.srv.Close() }

func (p *sessionProxy) token() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

// observe logs the client in again when the server refused the live
// session on an operation that takes one (401 unauthenticated or
// session_expired): the next request then carries the new one.
func (p *sessionProxy) observe(res *http.Response) error {
	req := res.Request
	if res.StatusCode != http.StatusUnauthorized || req == nil || p.sessions.Match(req.Method, req.URL.Path) == "" {
		return nil
	}
	sent := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	defer p.mu.Unlock()
	if sent != p.current || p.failure != nil {
		return nil // not the live session, or already renewed
	}
	// The refusal's code says whether the session ended; the body goes on
	// unchanged.
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return err
	}
	var problem struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(body, &problem)
	if problem.Code != "unauthenticated" && problem.Code != "session_expired" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tok, err := p.login(ctx)
	if err != nil {
		p.failure = fmt.Errorf("the client session ended (%s) and logging in again failed: %w", problem.Code, err)
		return nil
	}
	p.current = tok
	p.relogins[problem.Code]++
	return nil
}

// Report says how often the session was renewed, and why; and, as an
// error, a renewal that failed.
func (p *sessionProxy) Report() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	codes := make([]string, 0, len(p.relogins))
	n := 0
	for c, k := range p.relogins {
		codes = append(codes, fmt.Sprintf("%s×%d", c, k))
		n += k
	}
	sort.Strings(codes)
	switch {
	case n > 0:
		return fmt.Sprintf("the client session was ended %d times (%s) and logged in again", n, strings.Join(codes, " ")), p.failure
	case p.failure != nil:
		return "the client session was ended, and could not be renewed", p.failure
	}
	return "the client session lasted the whole run", nil
}

var errNoSession = errors.New("the login answered no session")
