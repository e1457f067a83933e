// Command accounts is the Lambda function of client accounts: a client
// lists and opens its own (/me/accounts) under the configuration's rules;
// the back office lists a client's and activates pending ones
// (/admin/clients/{id}/accounts/...). Its behaviour lives in
// internal/client/accounts; its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/client/accounts"
)

func main() {
	app.Start("accounts", accounts.Function)
}
