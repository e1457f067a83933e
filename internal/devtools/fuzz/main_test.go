package main

import (
	"context"
	"slices"
	"testing"
)

func TestTargetsAreFoundAsGoTestFindsThem(t *testing.T) {
	src := `package p

import (
	"testing"
	tt "testing"
)

func FuzzA(f *testing.F) { f.Add([]byte("x")); f.Fuzz(func(*testing.T, []byte) {}) }
func FuzzB(g *tt.F)      { g.Fuzz(func(*testing.T, []byte) {}) }
func Fuzz_c(f *testing.F) {}
func Fuzz(f *testing.F)   {}
func Fuzzy(f *testing.F)  {}                // lower case after Fuzz: not a target
func FuzzD(t *testing.T)  {}                // a test's signature
func FuzzE(f *testing.F) error { return nil } // results
func FuzzF(a, b *testing.F) {}
type x struct{}
func (x) FuzzG(f *testing.F) {}
`
	got, err := targetsInSource("p_test.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range got {
		names = append(names, tg.Name)
		if want := tg.Name == "FuzzA"; tg.CodeSeeds != want {
			t.Errorf("%s: code seeds %v", tg.Name, tg.CodeSeeds)
		}
	}
	if want := []string{"FuzzA", "FuzzB", "Fuzz_c", "Fuzz"}; !slices.Equal(names, want) {
		t.Errorf("targets %v, want %v", names, want)
	}
}

func TestFuzztime(t *testing.T) {
	for s, ok := range map[string]bool{"2s": true, "1m30s": true, "500x": true, "0s": false, "x": false, "-1s": false, "2": false, "1.5x": false} {
		if validFuzztime(s) != ok {
			t.Errorf("validFuzztime(%q) = %v", s, !ok)
		}
	}
}

func TestStatsReadTheLastProgressLine(t *testing.T) {
	out := "fuzz: elapsed: 0s, gathering baseline coverage: 0/7 completed\n" +
		"fuzz: elapsed: 2s, execs: 21345 (10563/sec), new interesting: 37 (total: 44)\n" +
		"fuzz: elapsed: 2s, execs: 21400 (0/sec), new interesting: 38 (total: 45)\nPASS\n"
	if got, want := stats(out), "execs     21400, new interesting  38"; got != want {
		t.Errorf("stats %q, want %q", got, want)
	}
	out = "fuzz: elapsed: 0s, gathering baseline coverage: 0/268 completed\n" +
		"fuzz: elapsed: 2s, gathering baseline coverage: 88/268 completed\nPASS\n"
	if got, want := stats(out), "corpus replayed 88/268, no new input"; got != want {
		t.Errorf("stats %q, want %q", got, want)
	}
}

// The module's own targets are found, with their committed seeds.
func TestDiscoverFindsTheModulesTargets(t *testing.T) {
	targets, err := discover(context.Background(), []string{"clientarea/internal/platform/httpapi", "clientarea/internal/client/password"})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]target{}
	for _, tg := range targets {
		found[tg.Pkg+"."+tg.Name] = tg
	}
	for _, name := range []string{"clientarea/internal/platform/httpapi.FuzzUnmarshal", "clientarea/internal/platform/httpapi.FuzzPageLimit",
		"clientarea/internal/client/password.FuzzCheck", "clientarea/internal/client/password.FuzzVerify"} {
		tg, ok := found[name]
		if !ok {
			t.Errorf("%s not found among %v", name, targets)
			continue
		}
		if tg.SeedFiles == 0 && !tg.CodeSeeds {
			t.Errorf("%s: no seeds found", name)
		}
	}
	if tg := found["clientarea/internal/client/password.FuzzVerify"]; !tg.CodeSeeds {
		t.Errorf("FuzzVerify's f.Add seeds not seen")
	}
}
