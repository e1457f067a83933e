package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"clientarea/internal/devtools/dynamolocal"
)

// devServer is the dev server of `make run`, started for the run.
type devServer struct {
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
}

// startDevServer runs the dev server binary on port (0: a free one) with
// env on top of this process's environment, its output into logPath, and
// waits until it answers.
func startDevServer(ctx context.Context, bin string, port int, env map[string]string, logPath string) (*devServer, error) {
	if port == 0 {
		p, err := dynamolocal.FreePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"HOST=127.0.0.1",
		"PORT="+strconv.Itoa(port),
		"CLIENTAREA_DEV_ADMIN_TOKEN="+adminToken,
		"CLIENTAREA_DEV_SERVICE_TOKEN="+serviceToken,
		"SNS_ENDPOINT=",                  // SMS and emails into the outbox
		"AWS_LAMBDA_LOG_LEVEL=INFO",      // a log line per request, which the coverage check reads
		"TABLE_NAME=clientarea-contract", // in a DynamoDB of its own anyway
	)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so that a Ctrl-C reaches this process, which
	// stops the server in order.
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start the dev server %s: %w (build it: go build -o %s ./internal/devtools/devserver)", bin, err, bin)
	}
	s := &devServer{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w (see %s)", err, logPath)
	}
	return s, nil
}

// waitReady polls an admin route until it answers 200.
func (s *devServer) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("the dev server exited during start-up")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/admin/config/general", nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		if res, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("the dev server did not answer within %s", limit)
}

// Stop ends the dev server (SIGTERM to its process group, SIGKILL after
// 10 seconds) and waits for it. It may be called more than once.
func (s *devServer) Stop() {
	s.once.Do(func() {
		pid := s.cmd.Process.Pid
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.done
		}
	})
}

// fakeTranslate is a loopback server speaking Amazon Translate's JSON
// protocol (TranslateText only), so that the translate route reaches the
// end of its work instead of answering 503 translation_unavailable.
type fakeTranslate struct {
	URL string
	srv *http.Server
}

func startFakeTranslate() (*fakeTranslate, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(translateText), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return &fakeTranslate{URL: "http://" + l.Addr().String(), srv: srv}, nil
}

func (f *fakeTranslate) Close() { _ = f.srv.Close() }

// translateText answers TranslateText with the text marked by the target
// language ("[de] Basic").
func translateText(w http.ResponseWriter, r *http.Request) {
	var in struct{ Text, SourceLanguageCode, TargetLanguageCode string }
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "AWSShineFrontendService_20170701.TranslateText" ||
		json.NewDecoder(r.Body).Decode(&in) != nil {
		w.Header().Set("X-Amzn-ErrorType", "InvalidRequestException")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"InvalidRequestException","message":"not a TranslateText request"}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{
		"TranslatedText":     "[" + in.TargetLanguageCode + "] " + in.Text,
		"SourceLanguageCode": in.SourceLanguageCode,
		"TargetLanguageCode": in.TargetLanguageCode,
	})
}
