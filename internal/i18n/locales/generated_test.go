package locales

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"clientarea/internal/devtools/localegen/localedata"
)

// TestGeneratedFileIsCurrent fails when languages_gen.go is not what
// localegen writes from the golang.org/x/text in go.mod, e.g. after an
// upgrade without `go generate ./internal/i18n/locales`.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := localedata.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("languages_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("languages_gen.go is out of date: run go generate ./internal/i18n/locales")
	}
}

// TestOpenAPIEnum holds docs/openapi.yaml's LanguageCode enum to the
// available list.
func TestOpenAPIEnum(t *testing.T) {
	raw, err := os.ReadFile("../../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas struct {
				LanguageCode struct{ Enum []string } `yaml:"LanguageCode"`
			}
		}
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range Available() {
		codes = append(codes, l.Code)
	}
	if got := doc.Components.Schemas.LanguageCode.Enum; !slices.Equal(got, codes) {
		t.Errorf("the LanguageCode enum of docs/openapi.yaml is not the available list: replace it with what\n"+
			"go run ./internal/devtools/localegen -openapi\nprints (it has %d codes, Available %d)", len(got), len(codes))
	}
}
