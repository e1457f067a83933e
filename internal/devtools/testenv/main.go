// Command testenv runs a command (the test suite) with DynamoDB Local
// started on a free port for it, and stops the database afterwards:
//
//	go run ./internal/devtools/testenv -- go test ./...
//
// It sets DYNAMODB_ENDPOINT and CLIENTAREA_REQUIRE_DYNAMODB=1, so the
// integration tests run and cannot skip.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/samtemplate"
)

func main() {
	os.Exit(run())
}

func run() int {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: testenv -- <command> [args...]")
		return 2
	}
	tpl, err := samtemplate.Find()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	jar, err := dynamolocal.Jar(tpl.Dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	srv, err := dynamolocal.Start(context.Background(), jar, dynamolocal.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer srv.Stop()
	fmt.Fprintln(os.Stderr, "testenv: DynamoDB Local at", srv.Endpoint)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "DYNAMODB_ENDPOINT="+srv.Endpoint, "CLIENTAREA_REQUIRE_DYNAMODB=1")
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	return 0
}
