// Command me is the Lambda function of a client's self-service (/me/...):
// profile and language, phone number and its SMS confirmation, SMS
// two-factor authentication, operation challenges and tokens, sessions,
// password and email changes; and the redemption of operation tokens by
// the services that execute the operations (/tfa/operation-tokens/consume,
// IAM-authorized). Its behaviour lives in internal/client/me; its wiring
// is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/client/me"
)

func main() {
	app.Start("me", me.Function)
}
