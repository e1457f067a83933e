package general_test

import (
	"fmt"
	"testing"

	"clientarea/internal/sections/general"
	"clientarea/internal/testsupport/apptest"
)

// BenchmarkValidate measures the CPU cost of the section's rules alone.
func BenchmarkValidate(b *testing.B) {
	doc := general.Section().Default()
	b.ReportAllocs()
	for b.Loop() {
		c := doc
		c.Normalize()
		if err := c.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet and BenchmarkPut measure a whole request through the handler
// against DynamoDB Local (`make bench`): decoding, authorization, the
// GetItem, the TransactWriteItems with its audit entry, and the answer.
func BenchmarkGet(b *testing.B) {
	c := apptest.New(b).Admin("general")
	b.ReportAllocs()
	for b.Loop() {
		c.Get(path).Expect(b, 200)
	}
}

func BenchmarkPut(b *testing.B) {
	c := apptest.New(b).Admin("general")
	version := 0
	b.ReportAllocs()
	for b.Loop() {
		c.Put(path, map[string]any{"clients": map[string]any{"max_accounts": version % 1000}}, fmt.Sprintf(`"%d"`, version)).Expect(b, 200)
		version++
	}
}
