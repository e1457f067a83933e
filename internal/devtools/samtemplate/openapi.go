package samtemplate

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// LoadOpenAPIPaths reads an OpenAPI document and returns the operations it
// describes, as "method /path" (method lower-case).
func LoadOpenAPIPaths(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read OpenAPI document: %w", err)
	}
	var doc struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	ops := map[string]bool{}
	for p, methods := range doc.Paths {
		for m := range methods {
			ops[m+" "+p] = true
		}
	}
	return ops, nil
}
