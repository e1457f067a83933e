// Command documents is the Lambda function of the Documents configuration
// section (/admin/config/documents). Its behaviour lives in
// internal/documents; its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/sections/documents"
)

func main() {
	app.Start("documents", documents.Function)
}
