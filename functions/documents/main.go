// Command documents is the Lambda function of the Documents configuration
// section (/admin/config/documents). Its behaviour lives in
// internal/documents; its wiring is its Function.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/documents"
	"clientarea/internal/lambdaapp"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "documents", documents.Function))
}
