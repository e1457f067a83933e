// Command security is the Lambda function of the Security and Registration
// configuration sections (/admin/config/security, /admin/config/registration)
// and the admin test SMS. Its behaviour lives in internal/security;
// its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/sections/security"
)

func main() {
	app.Start("security", security.Function)
}
