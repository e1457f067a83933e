package main

// Building the binaries measured: every function and the hello-world
// baseline, with the flags `make build` uses.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// defaultBuildFlags mirrors the Makefile's GO_LAMBDA_FLAGS, for runs
// outside make; `make bench-coldstart` passes the Makefile's own.
const defaultBuildFlags = `-tags lambda.norpc -trimpath -ldflags="-s -w -buildid=" -gcflags=github.com/aws/...=-l -gcflags=net/...=-l -gcflags=crypto/tls=-l -gcflags=crypto/x509=-l -gcflags=encoding/xml=-l -gcflags=regexp/...=-l`

// helloPkg is the baseline function; "hello" is also its binary's name.
const helloPkg = "./internal/devtools/coldstart/hello"

// functionNames are the folders under functions/: one Lambda function each.
func functionNames(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			if e.Name() == "hello" {
				return nil, fmt.Errorf("functions/hello clashes with the benchmark's baseline binary")
			}
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// buildAll builds the functions and hello for linux/goarch into dir, each
// binary named after its folder. One go build for all lets it share work.
func buildAll(root, dir, goarch string, flags, names []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	args := append([]string{"build"}, flags...)
	args = append(args, "-o", dir+string(filepath.Separator), helloPkg)
	for _, n := range names {
		args = append(args, "./functions/"+n)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s (GOARCH=%s): %v\n%s", strings.Join(args, " "), goarch, err, out)
	}
	return nil
}

// buildDirs builds for the host (the binaries run) and for arm64 (the
// deployed architecture, whose sizes the targets are about) and returns
// both folders. On an arm64 host one build serves both.
func buildDirs(root string, flags, names []string) (host, arm64 string, err error) {
	host = filepath.Join(root, ".cache", "coldstart")
	if err := buildAll(root, host, runtime.GOARCH, flags, names); err != nil {
		return "", "", err
	}
	if runtime.GOARCH == "arm64" {
		return host, host, nil
	}
	arm64 = filepath.Join(host, "arm64")
	return host, arm64, buildAll(root, arm64, "arm64", flags, names)
}

// sizeMiB is a file's size in MiB.
func sizeMiB(path string) (float64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return float64(st.Size()) / (1 << 20), nil
}

// splitFlags splits build flags as a shell would the Makefile's
// GO_LAMBDA_FLAGS: on spaces, except inside single or double quotes,
// which it removes.
func splitFlags(s string) ([]string, error) {
	var out []string
	var word strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out, inWord = append(out, word.String()), false
				word.Reset()
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unbalanced %c in build flags %q", quote, s)
	}
	if inWord {
		out = append(out, word.String())
	}
	return out, nil
}
