package runtimeapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// runtime is a fake Lambda runtime client: it speaks the protocol as
// aws-lambda-go does, one call at a time.
type runtime struct {
	t    *testing.T
	base string
}

func newRuntime(t *testing.T, s *Server) runtime {
	return runtime{t: t, base: "http://" + s.Addr() + "/2018-06-01/runtime/"}
}

func (rt runtime) next() (*http.Response, []byte) {
	rt.t.Helper()
	return rt.do(http.MethodGet, "invocation/next", nil, nil)
}

func (rt runtime) post(path, body string, h http.Header) (*http.Response, []byte) {
	rt.t.Helper()
	return rt.do(http.MethodPost, path, strings.NewReader(body), h)
}

func (rt runtime) do(method, path string, body io.Reader, h http.Header) (*http.Response, []byte) {
	rt.t.Helper()
	req, err := http.NewRequest(method, rt.base+path, body)
	if err != nil {
		rt.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rt.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func start(t *testing.T, opt Options) *Server {
	t.Helper()
	s, err := Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

type outcome struct {
	res Result
	err error
}

// invoke runs s.Invoke in the background, bounded by a timeout.
func invoke(s *Server, event string, timeout time.Duration) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		r, err := s.Invoke(ctx, []byte(event))
		ch <- outcome{r, err}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan outcome) outcome {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(5 * time.Second):
		t.Fatal("Invoke did not return")
		return outcome{}
	}
}

func TestNextThenResponse(t *testing.T) {
	s := start(t, Options{FunctionName: "general", Timeout: 10 * time.Second})
	rt := newRuntime(t, s)
	before := time.Now()
	got := invoke(s, `{"hello":"world"}`, 5*time.Second)

	resp, body := rt.next()
	if resp.StatusCode != http.StatusOK || string(body) != `{"hello":"world"}` {
		t.Fatalf("next: %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get(HeaderRequestID)
	deadline, err := strconv.ParseInt(resp.Header.Get(HeaderDeadline), 10, 64)
	if id == "" || err != nil || time.UnixMilli(deadline).Before(before.Add(9*time.Second)) {
		t.Fatalf("request id %q, deadline %q", id, resp.Header.Get(HeaderDeadline))
	}
	if !strings.HasSuffix(resp.Header.Get(HeaderFunctionARN), ":function:general") ||
		!strings.HasPrefix(resp.Header.Get(HeaderTraceID), "Root=1-") {
		t.Fatalf("headers %v", resp.Header)
	}

	resp, body = rt.post("invocation/"+id+"/response", `{"statusCode":200}`, nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("response: %d %s", resp.StatusCode, body)
	}
	o := wait(t, got)
	if o.err != nil || o.res.Err != nil || string(o.res.Body) != `{"statusCode":200}` || o.res.RequestID != id {
		t.Fatalf("%+v %v", o.res, o.err)
	}
	first := s.FirstNext()
	if first.Before(before) || o.res.FetchedAt.Before(first) || o.res.DoneAt.Before(o.res.FetchedAt) {
		t.Fatalf("times: first next %v, fetched %v, done %v", first, o.res.FetchedAt, o.res.DoneAt)
	}

	// The id is spent; another is unknown.
	if resp, _ := rt.post("invocation/"+id+"/response", `{}`, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("second answer: %d", resp.StatusCode)
	}
	if resp, _ := rt.post("invocation/nope/response", `{}`, nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown id: %d", resp.StatusCode)
	}
}

func TestInvocationError(t *testing.T) {
	s := start(t, Options{})
	rt := newRuntime(t, s)
	got := invoke(s, `{}`, 5*time.Second)
	resp, _ := rt.next()
	id := resp.Header.Get(HeaderRequestID)
	h := http.Header{HeaderErrorType: {"Runtime.Oops"}}
	resp, _ = rt.post("invocation/"+id+"/error", `{"errorMessage":"boom","errorType":"other"}`, h)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("error: %d", resp.StatusCode)
	}
	o := wait(t, got)
	if o.err != nil || o.res.Err == nil || o.res.Err.Type != "Runtime.Oops" || o.res.Err.Message != "boom" || o.res.Body != nil {
		t.Fatalf("%+v %v", o.res, o.err)
	}
}

// aws-lambda-go streams a response body and reports a failure to produce
// it in trailers.
func TestResponseWithErrorTrailer(t *testing.T) {
	s := start(t, Options{})
	rt := newRuntime(t, s)
	got := invoke(s, `{}`, 5*time.Second)
	resp, _ := rt.next()
	id := resp.Header.Get(HeaderRequestID)

	body := &trailing{r: strings.NewReader(`{"partial`)}
	req, _ := http.NewRequest(http.MethodPost, rt.base+"invocation/"+id+"/response", body)
	req.Trailer = http.Header{HeaderErrorType: nil, trailerErrBody: nil}
	body.set = func() {
		req.Trailer.Set(HeaderErrorType, "Runtime.ReadError")
		req.Trailer.Set(trailerErrBody, base64.StdEncoding.EncodeToString([]byte(`{"errorMessage":"disk on fire"}`)))
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	o := wait(t, got)
	if r.StatusCode != http.StatusAccepted || o.res.Err == nil || o.res.Err.Type != "Runtime.ReadError" || o.res.Err.Message != "disk on fire" {
		t.Fatalf("%d %+v %v", r.StatusCode, o.res, o.err)
	}
}

// trailing is a body that sets its request's trailers when it ends.
type trailing struct {
	r   io.Reader
	set func()
}

func (b *trailing) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		b.set()
	}
	return n, err
}

func TestInitError(t *testing.T) {
	s := start(t, Options{})
	rt := newRuntime(t, s)
	got := invoke(s, `{}`, 5*time.Second)
	resp, _ := rt.post("init/error", `{"errorMessage":"no table","errorType":"Config"}`, nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("init error: %d", resp.StatusCode)
	}
	o := wait(t, got)
	var initErr *InitError
	if !errors.As(o.err, &initErr) || initErr.Report.Message != "no table" || initErr.Report.Type != "Config" {
		t.Fatalf("%v", o.err)
	}
	// Once the runtime has asked for an event, init is over.
	s2 := start(t, Options{NextWait: 50 * time.Millisecond})
	rt2 := newRuntime(t, s2)
	rt2.next()
	if resp, _ := rt2.post("init/error", `{}`, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("init error after next: %d", resp.StatusCode)
	}
}

func TestOneInvocationAtATime(t *testing.T) {
	s := start(t, Options{})
	rt := newRuntime(t, s)
	got := invoke(s, `{}`, 5*time.Second)
	time.Sleep(20 * time.Millisecond) // let it queue
	if _, err := s.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Invoke: %v", err)
	}
	resp, _ := rt.next()
	// A /next while the event is unanswered breaks the protocol.
	if resp2, _ := rt.next(); resp2.StatusCode != http.StatusForbidden {
		t.Fatalf("next in flight: %d", resp2.StatusCode)
	}
	rt.post("invocation/"+resp.Header.Get(HeaderRequestID)+"/response", `{}`, nil)
	wait(t, got)
}

func TestWaitsAreBounded(t *testing.T) {
	s := start(t, Options{NextWait: 100 * time.Millisecond})
	rt := newRuntime(t, s)

	// No event: /next gives up with a 500, which makes a runtime exit.
	began := time.Now()
	if resp, _ := rt.next(); resp.StatusCode != http.StatusInternalServerError || time.Since(began) > 3*time.Second {
		t.Fatalf("next without event: %d after %v", resp.StatusCode, time.Since(began))
	}

	// No runtime: Invoke ends with its context, and withdraws the event.
	o := wait(t, invoke(s, `{}`, 100*time.Millisecond))
	if !errors.Is(o.err, context.DeadlineExceeded) {
		t.Fatalf("Invoke without runtime: %v", o.err)
	}
	if resp, _ := rt.next(); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("a withdrawn event was handed out: %d", resp.StatusCode)
	}

	// Close releases a waiting /next at once.
	s2 := start(t, Options{NextWait: time.Minute})
	done := make(chan int, 1)
	go func() { resp, _ := newRuntime(t, s2).next(); done <- resp.StatusCode }()
	time.Sleep(50 * time.Millisecond)
	_ = s2.Close()
	select {
	case code := <-done:
		if code != http.StatusInternalServerError {
			t.Fatalf("next at close: %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close left /next waiting")
	}
}

func TestResponseSizeLimit(t *testing.T) {
	s := start(t, Options{MaxResponseBytes: 10})
	rt := newRuntime(t, s)
	got := invoke(s, `{}`, 5*time.Second)
	resp, _ := rt.next()
	big := bytes.Repeat([]byte("x"), 100)
	resp, _ = rt.post("invocation/"+resp.Header.Get(HeaderRequestID)+"/response", string(big), nil)
	o := wait(t, got)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || o.res.Err == nil || o.res.Err.Type != "Function.ResponseSizeTooLarge" {
		t.Fatalf("%d %+v", resp.StatusCode, o.res)
	}
}

func TestListensOnLoopbackOnly(t *testing.T) {
	s := start(t, Options{})
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("listening on %s", s.Addr())
	}
}
