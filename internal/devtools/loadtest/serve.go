package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a dev server the load test started itself (-serve): on a free
// loopback port, its output in a log file, stopped at the end. Its
// DynamoDB is DYNAMODB_ENDPOINT when set (make load runs it under testenv:
// a DynamoDB Local in memory, gone afterwards), else the dev server's own.
type server struct {
	base   string
	cmd    *exec.Cmd
	log    string
	exited chan error
}

func startServer(ctx context.Context, bin, logPath string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	out.Close() // the child has its own copy
	s := &server{base: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, log: logPath, exited: make(chan error, 1)}
	go func() { s.exited <- cmd.Wait() }()
	deadline := time.Now().Add(3 * time.Minute) // DynamoDB Local may take a while to start
	for {
		resp, err := http.Get(s.base + "/_dev/outbox")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Printf("dev server on %s (its output: %s)\n", s.base, logPath)
				return s, nil
			}
		}
		select {
		case err := <-s.exited:
			return nil, fmt.Errorf("%s exited before answering (%v); see %s", bin, err, logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s did not answer within 3 minutes; see %s", bin, logPath)
		}
	}
}

// stop asks the dev server to stop (it stops its DynamoDB Local too) and
// ends its process group if it has not within 15 seconds.
func (s *server) stop() {
	pid := s.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-s.exited
	}
}

// report prints the dev server's log lines of the requests that got a 5xx,
// and how many lines it logged at ERROR.
func (s *server) report(r *runner) {
	r.stats.mu.Lock()
	ids := map[string]bool{}
	for _, sm := range r.stats.server {
		if sm.requestID != "" {
			ids[sm.requestID] = true
		}
	}
	r.stats.mu.Unlock()
	f, err := os.Open(s.log)
	if err != nil {
		return
	}
	defer f.Close()
	errorsLogged, shown := 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var lines []string
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, `"level":"ERROR"`) {
			errorsLogged++
		}
		for id := range ids {
			if strings.Contains(line, id) && shown < 40 {
				lines = append(lines, line)
				shown++
			}
		}
	}
	fmt.Printf("\ndev server log %s: %d lines at ERROR\n", s.log, errorsLogged)
	for _, l := range lines {
		fmt.Println("  ", l)
	}
}
