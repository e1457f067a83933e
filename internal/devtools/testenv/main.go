// Command testenv runs a command (the test suite) with DynamoDB Local
// started on a free port for it, and stops the database afterwards:
//
//	go run ./internal/devtools/testenv [-iam-records dir] -- go test ./...
//
// It sets DYNAMODB_ENDPOINT and CLIENTAREA_REQUIRE_DYNAMODB=1, so the
// integration tests run and cannot skip. With -iam-records it empties dir
// and has the tests record there the AWS calls their functions make, for
// iamcheck to read afterwards (CLIENTAREA_IAM_RECORD_DIR).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/iamrecord"
	"clientarea/internal/devtools/samtemplate"
)

func main() {
	os.Exit(run())
}

func run() int {
	records := flag.String("iam-records", "", "folder (emptied first) where the tests record their functions' AWS calls")
	flag.Parse() // stops at "--"
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: testenv [-iam-records dir] -- <command> [args...]")
		return 2
	}
	env := os.Environ()
	if *records != "" {
		dir, err := freshRecords(*records)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testenv:", err)
			return 1
		}
		env = append(env, iamrecord.DirEnv+"="+dir)
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
	cmd.Env = append(env, "DYNAMODB_ENDPOINT="+srv.Endpoint, "CLIENTAREA_REQUIRE_DYNAMODB=1")
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

// freshRecords creates the records folder, or empties it of an earlier
// run's records, and returns its absolute path: each test process runs in
// its own package's folder.
func freshRecords(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return "", err
		}
	}
	return dir, nil
}
