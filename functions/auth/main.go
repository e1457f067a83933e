// Command auth is the Lambda function of client authentication (/auth/...):
// sign-up, email and phone confirmation, login with SMS two-factor
// authentication, session refresh and logout, password reset. Its
// behaviour lives in internal/client/auth; its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/client/auth"
)

func main() {
	app.Start("auth", auth.Function)
}
