package main

// The event each function gets: a real sample from events/, one whose
// answer is known, so that a broken function fails the run instead of
// being timed.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sampleEvent is an event file and the status its answer must have.
type sampleEvent struct {
	path string // relative to the repository root
	body []byte
	want int
}

// pickEvent is the first event of fn (in file name order, the order
// events/ runs them in) that is a GET expected to succeed: it needs no
// earlier event to have run, so it works on an empty table.
func pickEvent(root, fn string) (sampleEvent, error) {
	ev, ok, err := findEvent(root, fn, func(method string, want int) bool { return method == "GET" && want >= 200 && want <= 299 })
	if err == nil && !ok {
		err = fmt.Errorf("events/%s has no GET event expected to succeed in events/expectations.json", fn)
	}
	return ev, err
}

// pickSMSEvent is the first event of fn that sends an SMS: a POST answered
// 202 (a code was sent). ok is false when fn has none.
func pickSMSEvent(root, fn string) (sampleEvent, bool, error) {
	return findEvent(root, fn, func(method string, want int) bool { return method == "POST" && want == 202 })
}

// findEvent is the first event of fn, in file name order, that fits.
func findEvent(root, fn string, fits func(method string, want int) bool) (sampleEvent, bool, error) {
	expect, err := expectations(root)
	if err != nil {
		return sampleEvent{}, false, err
	}
	entries, err := os.ReadDir(filepath.Join(root, "events", fn))
	if err != nil {
		return sampleEvent{}, false, err
	}
	for _, e := range entries {
		want, ok := expect[fn+"/"+e.Name()]
		if !ok {
			continue
		}
		path := filepath.Join("events", fn, e.Name())
		body, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			return sampleEvent{}, false, err
		}
		if fits(method(body), want) {
			return sampleEvent{path: path, body: body, want: want}, true, nil
		}
	}
	return sampleEvent{}, false, nil
}

// expectations is events/expectations.json: the status of each event.
func expectations(root string) (map[string]int, error) {
	data, err := os.ReadFile(filepath.Join(root, "events", "expectations.json"))
	if err != nil {
		return nil, err
	}
	var m map[string]int
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("events/expectations.json: %w", err)
	}
	return m, nil
}

// method is an HTTP API (payload 2.0) event's HTTP method.
func method(event []byte) string {
	var e struct {
		RequestContext struct {
			HTTP struct {
				Method string `json:"method"`
			} `json:"http"`
		} `json:"requestContext"`
	}
	_ = json.Unmarshal(event, &e)
	return strings.ToUpper(e.RequestContext.HTTP.Method)
}

// checkStatus fails unless the Lambda response is an HTTP API response
// with the wanted status.
func checkStatus(resp []byte, want int) error {
	var r struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return fmt.Errorf("the response is no HTTP API response: %v: %.200s", err, resp)
	}
	if r.StatusCode != want {
		return fmt.Errorf("status %d, want %d: %.300s", r.StatusCode, want, r.Body)
	}
	return nil
}
