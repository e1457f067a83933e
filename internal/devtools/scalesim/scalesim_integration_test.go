package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"clientarea/internal/testsupport/dbtest"
)

// The simulation's inputs hold: on every read it compares, the size model
// charges what DynamoDB Local charged; a client's GET /me reads the
// configuration partition for the read units docs/SCALING.md counts with;
// and the exhausted stack-wide SMS budget costs one more attempt a shard
// and the exhaustion note.
func TestScaleSimulationInputs(t *testing.T) {
	dbtest.Client(t) // skips without DynamoDB Local, as every integration test
	ctx := context.Background()
	s, closeStack, err := newStack(ctx, os.Getenv("DYNAMODB_ENDPOINT"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStack()
	m, err := measure(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, st := range m.states {
		for _, r := range st.requests {
			for _, c := range r.calls {
				if c.missing {
					continue
				}
				compared++
				if c.measured != c.model {
					t.Errorf("%s, %s: %s %v read units, the model says %v", st.name, r.name, c.call, c.measured, c.model)
				}
			}
		}
		for _, r := range st.requests {
			if r.name != "GET /me" {
				continue
			}
			// 2 for the authorizer's two sections, 1 for the Query of all
			// of them (under 4 KB together).
			if got := r.configUnits(sizesOf(st.config)); got != 3 {
				t.Errorf("%s: GET /me reads %v units of the configuration partition; docs/SCALING.md counts with 3", st.name, got)
			}
		}
	}
	if compared < 10 {
		t.Errorf("only %d reads compared", compared)
	}
	var shard, note bool
	for _, c := range m.stackAttempt {
		pk := c.Keys[0].PK
		note = note || strings.HasSuffix(pk, "#full")
		shard = shard || !strings.HasSuffix(pk, "#full")
	}
	if !shard || !note || len(m.stackAttempt) != 2 {
		t.Errorf("an attempt on the exhausted budget read %v, want one shard and the note", m.stackAttempt)
	}
	if m.stackShards != stackLimit {
		t.Errorf("%d shards of a budget of %d, want one slot each", m.stackShards, stackLimit)
	}
	if err := report(io.Discard, m); err != nil {
		t.Fatal(err)
	}
}
