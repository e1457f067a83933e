package locales

import (
	"testing"

	"clientarea/internal/devtools/localegen/localedata"
)

func BenchmarkLookup(b *testing.B) {
	codes := []string{"pt-br", "DE", "ger", "zh_Hant", "xx", "en-GB", "i-lux", "de-AT-1901"}
	for i := 0; b.Loop(); i++ {
		Lookup(codes[i%len(codes)])
	}
}

func BenchmarkSearch(b *testing.B) {
	for b.Loop() {
		Search("ger")
	}
}

// BenchmarkCLDRList is what the first Lookup or Search of a process paid
// when the list was built from x/text at run time, on top of x/text's
// package inits at start-up.
func BenchmarkCLDRList(b *testing.B) {
	for b.Loop() {
		localedata.Languages()
	}
}
