package main

// The results: a table for people, JSON for scripts.

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets the functions are held to, relative to the hello-world
// baseline so that the machine's speed cancels out. They are reported,
// not enforced: only a broken run fails.
const (
	targetInitMs  = 5.0 // Init p50 ≤ hello + 5 ms
	targetFirstMs = 8.0 // first response p50 ≤ hello + 8 ms
	targetArm64MB = 9.0 // arm64 binary ≤ 9 MiB
)

type report struct {
	Machine machine `json:"machine"`
	N       int     `json:"n"`
	Targets struct {
		InitDeltaMs  float64 `json:"init_p50_delta_ms"`
		FirstDeltaMs float64 `json:"first_response_p50_delta_ms"`
		Arm64MiB     float64 `json:"arm64_size_mib"`
	} `json:"targets"`
	Rows []row `json:"rows"`
	// DBFirstCallP50Ms is DynamoDB Local's share of a first response that
	// reads the table (a fresh client's first GetItem).
	DBFirstCallP50Ms float64  `json:"dynamodb_local_first_call_p50_ms"`
	Notes            []string `json:"notes"`
}

type machine struct {
	CPU    string `json:"cpu"`
	Cores  int    `json:"cores"`
	Go     string `json:"go"`
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
}

type row struct {
	Name       string  `json:"function"`
	Event      string  `json:"event"`
	Note       string  `json:"note,omitempty"`
	SizeMiB    float64 `json:"size_mib"`
	Arm64MiB   float64 `json:"arm64_size_mib"`
	InitP50    float64 `json:"init_p50_ms"`
	InitP90    float64 `json:"init_p90_ms"`
	FirstP50   float64 `json:"first_response_p50_ms"`
	FirstP90   float64 `json:"first_response_p90_ms"`
	DeltaInit  float64 `json:"init_p50_delta_ms"`
	DeltaFirst float64 `json:"first_response_p50_delta_ms"`
	Check      *check  `json:"targets_met,omitempty"` // nil for the baseline
	// OneOff rows time a one-off cost of some routes (their first answer
	// is not the cold start a client of any route feels): the first
	// response target does not apply to them.
	OneOff  bool      `json:"one_off,omitempty"`
	InitMs  []float64 `json:"init_ms"`
	FirstMs []float64 `json:"first_response_ms"`
}

type check struct {
	Init  bool `json:"init"`
	First bool `json:"first_response"`
	Size  bool `json:"arm64_size"`
}

// newReport summarises the samples; targets[0] is the baseline.
func newReport(targets []*target, n int, dbCalls []time.Duration, notes []string) (report, error) {
	r := report{Machine: thisMachine(), N: n, Notes: notes, DBFirstCallP50Ms: round2(percentile(ms(dbCalls), 50))}
	r.Targets.InitDeltaMs, r.Targets.FirstDeltaMs, r.Targets.Arm64MiB = targetInitMs, targetFirstMs, targetArm64MB
	for i, t := range targets {
		rw, err := newRow(t)
		if err != nil {
			return r, err
		}
		if i > 0 {
			base := r.Rows[0]
			rw.DeltaInit, rw.DeltaFirst = round2(rw.InitP50-base.InitP50), round2(rw.FirstP50-base.FirstP50)
			rw.Check = &check{Init: rw.DeltaInit <= targetInitMs, First: rw.OneOff || rw.DeltaFirst <= targetFirstMs, Size: rw.Arm64MiB <= targetArm64MB}
		}
		r.Rows = append(r.Rows, rw)
	}
	return r, nil
}

func newRow(t *target) (row, error) {
	rw := row{Name: t.name, Event: t.event.path, Note: t.note, OneOff: t.oneOff}
	var err error
	if rw.SizeMiB, err = sizeMiB(t.bin); err != nil {
		return rw, err
	}
	if rw.Arm64MiB, err = sizeMiB(t.arm64); err != nil {
		return rw, err
	}
	rw.SizeMiB, rw.Arm64MiB = round2(rw.SizeMiB), round2(rw.Arm64MiB)
	for _, s := range t.samples {
		rw.InitMs = append(rw.InitMs, round2(ms1(s.init)))
		rw.FirstMs = append(rw.FirstMs, round2(ms1(s.first)))
	}
	rw.InitP50, rw.InitP90 = percentile(rw.InitMs, 50), percentile(rw.InitMs, 90)
	rw.FirstP50, rw.FirstP90 = percentile(rw.FirstMs, 50), percentile(rw.FirstMs, 90)
	return rw, nil
}

// percentile is the nearest-rank p-th percentile (no interpolation: with
// 15 samples, p90 is the 14th).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}

func ms1(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ms(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = ms1(d)
	}
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func thisMachine() machine {
	return machine{CPU: cpuModel(), Cores: runtime.NumCPU(), Go: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
}

// cpuModel is the CPU's name from /proc/cpuinfo: "model name" on x86; arm64
// kernels often give only the "CPU part" number.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	part := "unknown"
	for _, line := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch strings.TrimSpace(k) {
		case "model name":
			return strings.TrimSpace(v)
		case "CPU part":
			part = "CPU part " + strings.TrimSpace(v)
		}
	}
	return part
}

func (r report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r report) writeTable(w io.Writer) error {
	m := r.Machine
	fmt.Fprintf(w, "machine: %s, %d cores, %s %s/%s\n", m.CPU, m.Cores, m.Go, m.GOOS, m.GOARCH)
	fmt.Fprintf(w, "N=%d measured cold starts per row (after 1 unmeasured warm-up start), interleaved round-robin\n", r.N)
	fmt.Fprintf(w, "targets: Init p50 ≤ hello + %g ms, first response p50 ≤ hello + %g ms, arm64 binary ≤ %g MiB\n\n",
		r.Targets.InitDeltaMs, r.Targets.FirstDeltaMs, r.Targets.Arm64MiB)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "function\tsize MiB\tarm64 MiB\tInit p50\tInit p90\t1st resp p50\tΔInit p50\tΔ1st resp p50\ttargets\tevent")
	for _, rw := range r.Rows {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\n", rw.Name, rw.SizeMiB, rw.Arm64MiB,
			rw.InitP50, rw.InitP90, rw.FirstP50, delta(rw, rw.DeltaInit), delta(rw, rw.DeltaFirst), verdict(rw.Check), rw.Event)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n(times in ms from exec; Init = exec → first /next, 1st resp = exec → response to the first event)")
	fmt.Fprintf(w, "DynamoDB Local first call (fresh client, new connection) p50: %.2f ms, part of the 1st resp of rows whose event reads the table\n", r.DBFirstCallP50Ms)
	for _, rw := range r.Rows {
		if rw.Note != "" {
			fmt.Fprintf(w, "%s: %s\n", rw.Name, rw.Note)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

func delta(rw row, d float64) string {
	if rw.Check == nil {
		return "baseline"
	}
	return fmt.Sprintf("%+.2f", d)
}

func verdict(c *check) string {
	if c == nil {
		return "-"
	}
	var failed []string
	for _, f := range []struct {
		ok   bool
		name string
	}{{c.Init, "init"}, {c.First, "1st-resp"}, {c.Size, "size"}} {
		if !f.ok {
			failed = append(failed, f.name)
		}
	}
	if len(failed) == 0 {
		return "pass"
	}
	return "FAIL " + strings.Join(failed, ",")
}
