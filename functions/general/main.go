// Command general is the Lambda function of the General configuration
// section (/admin/config/general). Its behaviour lives in internal/general;
// its wiring is its Function.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/general"
	"clientarea/internal/lambdaapp"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "general", general.Function))
}
