// Command scalesim prints the numbers docs/SCALING.md cites: how many
// client requests a second the stack serves before one DynamoDB partition
// or item (the configuration partition, the stack-wide SMS budget, a
// popular level's holders counter, the client directory, an audit trail,
// a session) becomes the limit.
//
//	go run ./internal/devtools/testenv -- go run ./internal/devtools/scalesim
//
// It runs the whole API in this process against DynamoDB Local (as the
// dev server does), configures it twice (every section saved with its
// defaults; then 20 languages, 10 levels and 5 statuses with every text
// in every language), and sends what every client sends, recording each
// AWS call with the capacity DynamoDB Local charged for it
// (ReturnConsumedCapacity, asked for by the recorder only). Item sizes
// come from the items as stored (a Scan), by DynamoDB's item size rules;
// the same rules give each read's cost, which is printed next to DynamoDB
// Local's. From those costs and DynamoDB's limits (3,000 read units and
// 1,000 write units a second per partition) follow the limits, and
// seeded simulations give the ones that depend on chance: a per-instance
// cache's reloads, random shards' busiest one, and colliding transactions
// on one counter.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if err := run(context.Background(), os.Getenv("DYNAMODB_ENDPOINT")); err != nil {
		fmt.Fprintln(os.Stderr, "scalesim:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, endpoint string) error {
	if endpoint == "" {
		return fmt.Errorf("DYNAMODB_ENDPOINT is not set: run it under go run ./internal/devtools/testenv -- go run ./internal/devtools/scalesim")
	}
	s, closeStack, err := newStack(ctx, endpoint)
	if err != nil {
		return err
	}
	defer closeStack()
	m, err := measure(ctx, s)
	if err != nil {
		return err
	}
	return report(os.Stdout, m)
}
