// Command hello is the cold-start benchmark's baseline: the smallest
// aws-lambda-go function, built exactly like the real ones. What a real
// function takes beyond it is its own start-up cost.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, e json.RawMessage) (any, error) {
		return map[string]any{"statusCode": 200}, nil
	})
}
