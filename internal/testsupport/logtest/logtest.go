// Package logtest captures what the service logs, as parsed JSON lines, so
// tests can assert what an operator would read (and what never appears).
package logtest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"clientarea/internal/platform/logging"
)

// Line is one parsed log line.
type Line = map[string]any

// Capture returns the default logger's lines, from debug level up, while
// f runs.
func Capture(t testing.TB, f func()) []Line {
	t.Helper()
	lines := Start(t, slog.LevelDebug)
	f()
	return lines()
}

// Start sends the default logger's lines from level up to a buffer until
// the test ends (safe for concurrent handlers) and returns a function that
// reads the lines so far.
func Start(t testing.TB, level slog.Level) func() []Line {
	t.Helper()
	buf := &lockedBuffer{}
	old := slog.Default()
	slog.SetDefault(logging.New(buf, level))
	t.Cleanup(func() { slog.SetDefault(old) })
	return func() []Line {
		t.Helper()
		return buf.lines(t)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines(t testing.TB) []Line {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Line
	for _, raw := range bytes.Split(b.buf.Bytes(), []byte("\n")) {
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var m Line
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("log line %q: %v", raw, err)
		}
		out = append(out, m)
	}
	return out
}
