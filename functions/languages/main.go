// Command languages is the Lambda function of the Languages configuration
// section and the available-languages list (/admin/config/languages,
// /admin/languages/available). Its behaviour lives in internal/languages;
// its wiring is its Function.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/lambdaapp"
	"clientarea/internal/languages"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "languages", languages.Function))
}
