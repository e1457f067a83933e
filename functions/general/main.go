// Command general is the Lambda function of the General configuration
// section (/admin/config/general). Its behaviour lives in internal/general;
// internal/app wires it.
package main

import (
	"context"

	"clientarea/internal/app"
	"clientarea/internal/lambdaapp"
)

func main() {
	lambdaapp.Start(app.MustBuild(context.Background(), "general"))
}
