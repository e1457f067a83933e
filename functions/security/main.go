// Command security is the Lambda function of the Security and Registration
// configuration sections (/admin/config/security, /admin/config/registration)
// and the admin test SMS. Its behaviour lives in internal/security;
// its wiring is its Function.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/lambdaapp"
	"clientarea/internal/security"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "security", security.Function))
}
