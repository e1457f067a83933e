// Package latency reports what a benchmark's callers feel: the median and
// the 99th percentile of single operations, next to go test's mean.
package latency

import (
	"slices"
	"testing"
	"time"
)

// Measure runs op b.N times (after one untimed run) and reports, besides
// ns/op, the p50 and p99 of one run in milliseconds.
func Measure(b *testing.B, op func()) {
	b.Helper()
	op()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		op()
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	at := func(q float64) float64 {
		return float64(durations[int(q*float64(len(durations)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
