// Command general is the Lambda function of the General configuration
// section (/admin/config/general). Its behaviour lives in internal/general;
// its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/sections/general"
)

func main() {
	app.Start("general", general.Function)
}
