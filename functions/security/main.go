// Command security is the Lambda function of the Security and Registration
// configuration sections (/admin/config/security, /admin/config/registration)
// and the admin test SMS. The sections live in internal/sections/security;
// the test SMS and the wiring (its Function) in
// internal/sections/security/testsms.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/sections/security/testsms"
)

func main() {
	app.Start("security", testsms.Function)
}
