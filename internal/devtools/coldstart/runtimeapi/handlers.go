package runtimeapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// FunctionError is what a runtime reported on /error or /init/error.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
	Body    []byte `json:"-"` // the report as posted
}

func (e *FunctionError) Error() string {
	if e.Message == "" {
		return e.Type
	}
	return e.Type + ": " + e.Message
}

// InitError is Invoke's error when the runtime posted /init/error.
type InitError struct{ Report *FunctionError }

func (e *InitError) Error() string { return "init error: " + e.Report.Error() }

// next answers GET /invocation/next: the queued event, once there is one.
func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	if !s.markNext() {
		// Asking for the next event means the last one was answered.
		renderError(w, http.StatusForbidden, "InvalidStateTransition", "an invocation is in flight: post its response or error first")
		return
	}
	timer := time.NewTimer(s.opt.NextWait)
	defer timer.Stop()
	select {
	case inv := <-s.queue:
		s.handOut(w, inv)
	case <-timer.C:
		// 500 tells a runtime to exit: better than hanging past the bound.
		renderError(w, http.StatusInternalServerError, "Runtime.NoEvent", fmt.Sprintf("no event within %s", s.opt.NextWait))
	case <-s.closed:
		renderError(w, http.StatusInternalServerError, "Runtime.Shutdown", "the Runtime API is closing")
	case <-r.Context().Done(): // the process went away
	}
}

// markNext records the first /next (the end of init) and reports whether
// a /next is allowed now.
func (s *Server) markNext() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstNext.IsZero() {
		s.firstNext = time.Now()
	}
	return s.inFlight == nil
}

func (s *Server) handOut(w http.ResponseWriter, inv *invocation) {
	now := time.Now()
	s.mu.Lock()
	withdrawn := s.pending != inv // Invoke gave up on it meanwhile
	if !withdrawn {
		inv.fetched, s.inFlight = now, inv
	}
	s.mu.Unlock()
	if withdrawn {
		renderError(w, http.StatusInternalServerError, "Runtime.NoEvent", "the invocation was withdrawn")
		return
	}
	h := w.Header()
	h.Set(HeaderRequestID, inv.id)
	h.Set(HeaderDeadline, strconv.FormatInt(now.Add(s.opt.Timeout).UnixMilli(), 10))
	h.Set(HeaderFunctionARN, fmt.Sprintf("arn:aws:lambda:%s:000000000000:function:%s", s.opt.Region, s.opt.FunctionName))
	h.Set(HeaderTraceID, traceID(now))
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.event)
}

// response answers POST /invocation/{id}/response.
func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	inv, ok := s.claim(w, r.PathValue("id"))
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opt.MaxResponseBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.complete(inv, Result{Err: &FunctionError{Type: "Function.ResponseSizeTooLarge",
			Message: fmt.Sprintf("response larger than %d bytes", s.opt.MaxResponseBytes)}})
		renderError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "response too large")
	case err != nil:
		s.complete(inv, Result{Err: &FunctionError{Type: "Runtime.TruncatedResponse", Message: err.Error()}})
		renderError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
	case r.Trailer.Get(HeaderErrorType) != "":
		// aws-lambda-go streams the body and, if producing it fails,
		// reports the failure in trailers after a partial body.
		s.complete(inv, Result{Err: trailerError(r.Trailer)})
		renderAccepted(w)
	default:
		s.complete(inv, Result{Body: body})
		renderAccepted(w)
	}
}

// invocationError answers POST /invocation/{id}/error.
func (s *Server) invocationError(w http.ResponseWriter, r *http.Request) {
	inv, ok := s.claim(w, r.PathValue("id"))
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxErrorBytes))
	report := parseError(r.Header.Get(HeaderErrorType), body)
	if err != nil {
		report.Message += " (report unreadable: " + err.Error() + ")"
	}
	s.complete(inv, Result{Err: report})
	renderAccepted(w)
}

// initError answers POST /init/error: the runtime could not start.
func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	if !s.FirstNext().IsZero() {
		renderError(w, http.StatusForbidden, "InvalidStateTransition", "init is over: the runtime already asked for an event")
		return
	}
	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, maxErrorBytes))
	select {
	case s.initErr <- parseError(r.Header.Get(HeaderErrorType), body):
	default: // one is enough
	}
	renderAccepted(w)
}

// claim takes the in-flight invocation id for its one answer, or answers
// the request itself: 400 for an unknown id, 403 for one already answered.
func (s *Server) claim(w http.ResponseWriter, id string) (*invocation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inv := s.inFlight; inv != nil && inv.id == id {
		s.inFlight = nil
		s.answered[id] = true
		return inv, true
	}
	if s.answered[id] {
		renderError(w, http.StatusForbidden, "InvalidStateTransition", "invocation "+id+" was already answered")
	} else {
		renderError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation "+id+" is in flight")
	}
	return nil, false
}

// complete delivers inv's one result to Invoke (buffered: never blocks).
func (s *Server) complete(inv *invocation, r Result) {
	r.RequestID, r.FetchedAt, r.DoneAt = inv.id, inv.fetched, time.Now()
	inv.done <- r
}

func parseError(typ string, body []byte) *FunctionError {
	e := &FunctionError{Body: body}
	_ = json.Unmarshal(body, e) // a report need not be JSON
	if typ != "" {
		e.Type = typ
	}
	if e.Type == "" {
		e.Type = "Unknown"
	}
	return e
}

func trailerError(t http.Header) *FunctionError {
	body, _ := base64.StdEncoding.DecodeString(t.Get(trailerErrBody))
	return parseError(t.Get(HeaderErrorType), body)
}

// traceID is an X-Ray trace header of the shape Lambda passes.
func traceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", now.Unix(), h[:24], h[24:])
}

func renderAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"OK"}` + "\n"))
}

func renderError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"errorType": typ, "errorMessage": msg})
}
