// Command verification is the Lambda function of the verification section,
// levels and statuses (/admin/config/verification, /admin/verification-levels...,
// /admin/statuses...). Its behaviour lives in internal/verification;
// its wiring is its Function.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/lambdaapp"
	"clientarea/internal/verification"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "verification", verification.Function))
}
