package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Every function imports app, so what app links every function pays for in
// size and cold start. The SDKs and metadata of sending messages belong to
// the functions that send (through package outbound) only.
func TestAppLinksNothingOnlySendersNeed(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	out, err := exec.Command(goTool, "list", "-deps", "clientarea/internal/app").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, heavy := range []string{
		"github.com/aws/aws-sdk-go-v2/service/sns",
		"github.com/aws/aws-sdk-go-v2/service/secretsmanager",
		"github.com/nyaruka/phonenumbers",
	} {
		if slices.Contains(deps, heavy) {
			t.Errorf("package app links %s", heavy)
		}
	}
}
