package phone

import (
	"bytes"
	"os"
	"testing"

	"clientarea/internal/devtools/phonegen/phonemeta"
)

// TestGeneratedFileIsCurrent fails when metadata_gen.go is not what
// phonegen writes from the phonenumbers in go.mod, e.g. after an upgrade
// without `go generate ./internal/messaging/phone`.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := phonemeta.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("metadata_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("metadata_gen.go is out of date: run go generate ./internal/messaging/phone")
	}
}
