// Command languages is the Lambda function of the Languages configuration
// section and the available-languages list (/admin/config/languages,
// /admin/languages/available). Its behaviour lives in internal/languages;
// its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/sections/languages"
)

func main() {
	app.Start("languages", languages.Function)
}
