//go:build race

package locales

// Under the race detector x/text's parser is several times slower; a tenth
// of the corpus keeps the suite's race run short.
func init() { corpusStride = 10 }
