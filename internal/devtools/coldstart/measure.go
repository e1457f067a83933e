package main

// Starting a binary as Lambda would and timing its cold start.

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"clientarea/internal/devtools/coldstart/runtimeapi"
)

// startTimeout bounds one cold start and first answer: far beyond any
// healthy start, short enough that a hung function fails the run.
const startTimeout = 30 * time.Second

// target is one row of the table: a binary, its environment and event.
type target struct {
	name   string // the row's label
	fn     string // the function it is (the binary's name)
	bin    string // host binary
	arm64  string // arm64 binary, for its size
	config fnConfig
	extra  []string // environment beyond the sandbox's and the template's
	event  sampleEvent
	note   string
	// verify, when set, checks after a start that it ran as the row says.
	verify func() error
	// oneOff marks a row that times a one-off cost of some routes.
	oneOff bool

	samples []sample
}

// sample is one cold start, timed from the exec.
type sample struct {
	init  time.Duration // → the runtime's first /next: the init phase
	first time.Duration // → its response to the first event
}

// measure starts every target n times, round-robin so that a slow spell
// of the machine is spread over all rows, after one unmeasured round that
// warms the page cache (and DynamoDB Local). Each round starts the rows in
// a rotated order, so no row always follows the same one.
func measure(targets []*target, n int, logf func(string, ...any)) error {
	for round := 0; round <= n; round++ {
		for i := range targets {
			t := targets[(i+round)%len(targets)]
			s, err := startOnce(t)
			if err != nil {
				return fmt.Errorf("%s (%s): %w", t.name, t.event.path, err)
			}
			if round > 0 {
				t.samples = append(t.samples, s)
			}
		}
		if round == 0 {
			logf("warm-up round done; measuring %d rounds", n)
		}
	}
	return nil
}

// startOnce execs t's binary against a fresh Runtime API, gives it the
// event, checks the answer, then kills it.
func startOnce(t *target) (sample, error) {
	api, err := runtimeapi.Start(runtimeapi.Options{FunctionName: "clientarea-" + t.fn,
		Region: region, Timeout: time.Duration(t.config.timeoutS) * time.Second})
	if err != nil {
		return sample{}, err
	}
	defer api.Close()
	out := &tail{max: 16 << 10}
	cmd := exec.Command(t.bin)
	cmd.Dir = filepath.Dir(t.bin) // Lambda runs bootstrap in LAMBDA_TASK_ROOT
	cmd.Env = slices.Concat(sandboxEnv(t.fn, api.Addr(), cmd.Dir, t.config), t.config.env, t.extra)
	cmd.Stdout, cmd.Stderr = out, out

	runtime.GC() // keep this tool's collector out of the timed window
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()

	res, err := invoke(api, t.event.body, exited)
	_ = cmd.Process.Kill() // SIGKILL: Lambda freezes or drops a sandbox, it does not ask
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		return sample{}, errors.New("the process outlived SIGKILL by 5s")
	}
	switch {
	case errors.Is(err, errExited):
		err = fmt.Errorf("%w (%v)", err, waitErr) // its exit status
	case err == nil:
		err = answerError(res, t.event)
	}
	if err == nil && t.verify != nil {
		err = t.verify()
	}
	if err != nil {
		return sample{}, fmt.Errorf("%w\n--- its output:\n%s", err, out.String())
	}
	return sample{init: api.FirstNext().Sub(began), first: res.DoneAt.Sub(began)}, nil
}

var errExited = errors.New("the process exited before answering")

// invoke waits for the answer to event, at most startTimeout, and gives up
// at once if the process exits.
func invoke(api *runtimeapi.Server, event []byte, exited <-chan struct{}) (runtimeapi.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	res, err := api.Invoke(ctx, event)
	if errors.Is(err, context.Canceled) {
		err = errExited
	}
	return res, err
}

func answerError(res runtimeapi.Result, ev sampleEvent) error {
	if res.Err != nil {
		return fmt.Errorf("the function failed: %w", res.Err)
	}
	if ev.check != nil {
		return ev.check(res.Body)
	}
	return checkStatus(res.Body, ev.want)
}

// tail keeps the last max bytes written: a function's output, for the
// error message when it fails.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
