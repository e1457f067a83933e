// Package iamrecord carries the AWS calls the tests' functions make from the
// test processes of a run to iamcheck. `go test ./...` runs each package in
// a process of its own, so no process sees every call: each appends what it
// saw to its own file in the folder $CLIENTAREA_IAM_RECORD_DIR, which
// testenv sets for `make test`, and iamcheck reads the folder afterwards.
package iamrecord

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"clientarea/internal/devtools/samtemplate"
)

// DirEnv names the environment variable holding the records folder.
const DirEnv = "CLIENTAREA_IAM_RECORD_DIR"

// Record is one call a function made.
type Record struct {
	Function string `json:"function"`
	samtemplate.Call
}

// This process's file, and what it already holds: many tests make the same
// calls, and one line per distinct call is enough.
var (
	mu      sync.Mutex
	file    *os.File
	written = map[Record]bool{}
)

// Append adds records to this process's file when $CLIENTAREA_IAM_RECORD_DIR
// is set; otherwise it does nothing.
func Append(records []Record) error {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	if file == nil {
		f, err := os.CreateTemp(dir, "calls-*.jsonl")
		if err != nil {
			return fmt.Errorf("record IAM calls: %w", err)
		}
		file = f // left open: the process ends with the tests
	}
	for _, r := range records {
		if written[r] {
			continue
		}
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := file.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("record IAM calls: %w", err)
		}
		written[r] = true
	}
	return nil
}

// Read returns every record of every file in dir.
func Read(dir string) ([]Record, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var r Record
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out = append(out, r)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return out, nil
}
