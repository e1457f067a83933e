// The architecture is in the tree: internal/ is grouped by role, and lower
// groups never import higher ones. This test holds that, with the import
// graph `go list` reports, so a wrong import fails here rather than in a
// review.
package internal_test

import (
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"clientarea/internal/devtools/samtemplate"
)

const module = "clientarea/"

// mayImport lists, for each group of packages, the groups it may import
// (besides its own). The order is the layering, from the bottom up.
var mayImport = map[string][]string{
	"internal/platform":     {},
	"internal/i18n":         {"internal/platform"},
	"internal/messaging":    {"internal/platform"},
	"internal/admindoc":     {"internal/platform"},
	"internal/otp":          {"internal/platform", "internal/messaging"},
	"internal/app":          {"internal/platform", "internal/messaging", "internal/admindoc", "internal/otp"},
	"internal/sections":     {"internal/platform", "internal/i18n", "internal/messaging", "internal/admindoc", "internal/otp", "internal/app"},
	"internal/client":       {"internal/platform", "internal/i18n", "internal/messaging", "internal/admindoc", "internal/otp", "internal/app", "internal/sections"},
	"internal/app/registry": {"internal/platform", "internal/i18n", "internal/messaging", "internal/admindoc", "internal/otp", "internal/app", "internal/sections", "internal/client"},
	"functions":             {"internal/app", "internal/sections", "internal/client"},
}

// group is the group a package belongs to: the longest prefix in mayImport,
// or "" for the tooling (devtools, testsupport), which may import anything.
func group(pkg string) string {
	best := ""
	for g := range mayImport {
		if (pkg == g || strings.HasPrefix(pkg, g+"/")) && len(g) > len(best) {
			best = g
		}
	}
	return best
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func TestLowerGroupsNeverImportHigherOnes(t *testing.T) {
	for _, line := range goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		from := group(pkg)
		if from == "" && !isTooling(pkg) {
			t.Errorf("%s belongs to no group: add its group to mayImport", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			to := group(strings.TrimPrefix(imp, module))
			if from == "" || to == from || slices.Contains(mayImport[from], to) {
				continue
			}
			if to == "" {
				to = "the tooling"
			}
			t.Errorf("%s (group %s) imports %s (group %s)", pkg, from, imp, to)
		}
	}
}

func isTooling(pkg string) bool {
	return strings.HasPrefix(pkg, "internal/devtools/") || strings.HasPrefix(pkg, "internal/testsupport/") || pkg == "internal"
}

// A function's binary holds only what runs in Lambda: no dev tools, no test
// support, and not the registry of every function.
func TestFunctionBinariesLinkNoTooling(t *testing.T) {
	for _, fn := range goList(t, module+"functions/...") {
		for _, dep := range goList(t, "-deps", fn) {
			pkg := strings.TrimPrefix(dep, module)
			if isTooling(pkg) || pkg == "internal/app/registry" {
				t.Errorf("%s links %s", fn, dep)
			}
		}
	}
}

// sdkService maps the IAM service prefix of a grant to the SDK package
// that calls it.
var sdkService = map[string]string{
	"dynamodb":       "github.com/aws/aws-sdk-go-v2/service/dynamodb",
	"sns":            "github.com/aws/aws-sdk-go-v2/service/sns",
	"secretsmanager": "github.com/aws/aws-sdk-go-v2/service/secretsmanager",
	"translate":      "github.com/aws/aws-sdk-go-v2/service/translate",
}

// A function links the SDK of an AWS service only when template.yaml lets
// it call that service: a client it may not use costs binary size and cold
// start for nothing. And no function links the SDK's default configuration
// loader, which brings the STS, SSO and EC2 metadata clients (credentials
// come from Lambda's environment: internal/platform/awsclients).
func TestFunctionsLinkOnlyTheSDKsTheirPoliciesAllow(t *testing.T) {
	tpl, err := samtemplate.Find()
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range goList(t, module+"functions/...") {
		name := path.Base(fn)
		f, ok := tpl.Function(name)
		if !ok {
			t.Errorf("%s is not in template.yaml", fn)
			continue
		}
		granted := map[string]bool{}
		for _, g := range f.Grants() {
			granted[strings.SplitN(g.Action, ":", 2)[0]] = true
		}
		deps := goList(t, "-deps", fn)
		for service, pkg := range sdkService {
			if slices.Contains(deps, pkg) && !granted[service] {
				t.Errorf("%s links %s but may not call %s", name, pkg, service)
			}
		}
		for _, loader := range []string{"github.com/aws/aws-sdk-go-v2/config", "github.com/aws/aws-sdk-go-v2/service/sts",
			"github.com/aws/aws-sdk-go-v2/feature/ec2/imds", "github.com/nyaruka/phonenumbers", "golang.org/x/text/language/display"} {
			if slices.Contains(deps, loader) {
				t.Errorf("%s links %s", name, loader)
			}
		}
	}
}
