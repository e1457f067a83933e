// Command security is the Lambda function of the Security and Registration
// configuration sections (/admin/config/security, /admin/config/registration)
// and the admin test SMS. Its behaviour lives in internal/security;
// internal/app wires it.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/lambdaapp"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "security"))
}
