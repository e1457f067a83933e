// Command phonegen writes internal/messaging/phone/metadata_gen.go: what
// package phone needs of libphonenumber's metadata (the copy in
// github.com/nyaruka/phonenumbers) to read and validate numbers, as plain Go
// strings. The functions then link neither phonenumbers nor the protobuf
// runtime it decodes its metadata with at init. Run it after upgrading
// phonenumbers:
//
//	go generate ./internal/messaging/phone
//
// (phone.go's //go:generate line runs it in that package's folder.)
// TestGeneratedFileIsCurrent fails until then.
package main

import (
	"flag"
	"fmt"
	"os"

	"clientarea/internal/devtools/phonegen/phonemeta"
)

func main() {
	out := flag.String("o", "metadata_gen.go", "file to write")
	flag.Parse()
	src, err := phonemeta.Source()
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "phonegen:", err)
		os.Exit(1)
	}
}
