// Command verification is the Lambda function of the verification section,
// levels and statuses (/admin/config/verification, /admin/verification-levels...,
// /admin/statuses...). Its behaviour lives in internal/verification;
// its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/sections/verification"
)

func main() {
	app.Start("verification", verification.Function)
}
