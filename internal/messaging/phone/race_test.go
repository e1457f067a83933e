//go:build race

package phone

// Under the race detector libphonenumber's parsing is some 20 times slower;
// a tenth of the corpus keeps the suite's race run short.
func init() { corpusStride = 10 }
