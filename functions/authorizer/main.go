// Command authorizer is the session authorizer: the HTTP API Lambda
// authorizer (ClientSession in template.yaml) that decides every request
// of a client route. Its behaviour lives in internal/client/session; its
// wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/client/session"
)

func main() {
	app.StartAuthorizer("authorizer", session.Function)
}
