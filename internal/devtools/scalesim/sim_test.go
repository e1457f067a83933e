package main

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The size rules of DynamoDB's "Item sizes and formats", by hand.
func TestItemSizeFollowsDynamoDBsRules(t *testing.T) {
	item := map[string]types.AttributeValue{
		"PK":  &types.AttributeValueMemberS{Value: "CONFIG"},                                                          // 2 + 6
		"n":   &types.AttributeValueMemberN{Value: "12345"},                                                           // 1 + 3 + 1
		"ok":  &types.AttributeValueMemberBOOL{Value: true},                                                           // 2 + 1
		"nil": &types.AttributeValueMemberNULL{Value: true},                                                           // 3 + 1
		"bin": &types.AttributeValueMemberB{Value: []byte{1, 2, 3, 4}},                                                // 3 + 4
		"ss":  &types.AttributeValueMemberSS{Value: []string{"ab", "cde"}},                                            // 2 + 5
		"l":   &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "xy"}}}, // 1 + 3 + (1 + 2)
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{ // 1 + 3 + (1 + 3 + 2) + (1 + 1 + 3)
			"key": &types.AttributeValueMemberN{Value: "7"},
			"e":   &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
		}},
		"é": &types.AttributeValueMemberS{Value: "ü"}, // 2 + 2: UTF-8 bytes
	}
	want := 8 + 5 + 3 + 4 + 7 + 7 + 7 + 15 + 4
	if got := itemSize(item); got != want {
		t.Fatalf("size %d, want %d", got, want)
	}
	for in, want := range map[string]int{"0": 1, "7": 2, "12": 2, "123": 3, "100": 2, "0.50": 2, "-1.25": 3, "1.5E10": 2, "0012300": 3} {
		if got := numberSize(in); got != want {
			t.Errorf("numberSize(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestCapacityUnits(t *testing.T) {
	cases := []struct {
		got, want float64
	}{
		{readUnits(1, true), 1}, {readUnits(4096, true), 1}, {readUnits(4097, true), 2}, {readUnits(4097, false), 1},
		{batchReadUnits([]int{1536, 6656}, true), 3}, // 1.5 KB and 6.5 KB: 4 KB + 8 KB
		{queryReadUnits([]int{1536, 6656}, true), 2}, // 8 KB in all
		{writeUnits(1024, false), 1}, {writeUnits(1025, false), 2}, {writeUnits(500, true), 2}, {writeUnits(6099, true), 12},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %v, want %v", i, c.got, c.want)
		}
	}
}

// A cached instance reloads rate/(1+rate·ttl) times a second.
func TestCacheLoadsMatchTheClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct{ rate, ttl float64 }{{50, 1}, {50, 5}, {0.5, 1}, {2, 0.1}} {
		sim, closed := cacheLoads(rng, 200, c.rate, c.ttl, 200), cacheLoadsClosed(200, c.rate, c.ttl)
		if math.Abs(sim-closed)/closed > 0.03 {
			t.Errorf("rate %v ttl %v: simulated %.1f reloads/s, closed form %.1f", c.rate, c.ttl, sim, closed)
		}
	}
}

// Random shards overload only near their sum, and the search finds that
// point.
func TestShardOverload(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	if got := shardOverload(rng, 0.8*16*3000, 16, 3000, 100); got != 0 {
		t.Errorf("at 80%% of 16 shards' sum, overloaded %.2f of the seconds", got)
	}
	if got := shardOverload(rng, 1.05*16*3000, 16, 3000, 100); got < 0.99 {
		t.Errorf("at 105%% of 16 shards' sum, overloaded only %.2f of the seconds", got)
	}
	if r := maxShardRate(rng, 16, 3000, 0.01, 100); r < 0.9*16*3000 || r > 16*3000 {
		t.Errorf("max rate %.0f, want within 90%% of 48,000", r)
	}
	// One shard: the Poisson tail above 3,000 at 1%: mean + 2.33 sd.
	if r := maxShardRate(rng, 1, 3000, 0.01, 2000); math.Abs(r-(3000-2.33*math.Sqrt(3000))) > 40 {
		t.Errorf("one shard: max rate %.0f, want about %.0f", r, 3000-2.33*math.Sqrt(3000))
	}
}

// Without retries, the share of transactions finding the item busy is a
// loss system's: rate·hold / (1 + rate·hold).
func TestConflictsWithoutRetriesMatchTheLossFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct{ rate, hold float64 }{{10, 0.01}, {40, 0.025}, {100, 0.01}} {
		got := conflictFailures(rng, c.rate, c.hold, 1, tableBackoff, 200000)
		want := c.rate * c.hold / (1 + c.rate*c.hold)
		if math.Abs(got-want) > 0.01 {
			t.Errorf("rate %v hold %v: %.3f failed, want %.3f", c.rate, c.hold, got, want)
		}
	}
	// Retries help, and a rare transaction never fails.
	if with, without := conflictFailures(rng, 20, 0.01, tableAttempts, tableBackoff, 50000), conflictFailures(rng, 20, 0.01, 1, tableBackoff, 50000); with >= without/10 {
		t.Errorf("with retries %.4f failed, without %.4f", with, without)
	}
	if got := conflictFailures(rng, 0.01, 0.01, tableAttempts, tableBackoff, 10000); got != 0 {
		t.Errorf("at one transaction in 100 s, %.4f failed", got)
	}
}

func TestCount(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 83.4: "83", 999: "999", 1000: "1,000", 45123: "45,100", 1234567: "1,230,000", math.Inf(1): "unbounded"} {
		if got := count(in); got != want {
			t.Errorf("count(%v) = %q, want %q", in, got, want)
		}
	}
}
