// Command localegen writes internal/i18n/locales/languages_gen.go: the
// available languages with their English and native names, and the
// aliases Lookup needs, from the CLDR data in golang.org/x/text. The
// functions then link neither x/text's language tables nor its display
// names, whose package inits ran at every cold start. Run it after
// upgrading golang.org/x/text:
//
//	go generate ./internal/i18n/locales
//
// (locales.go's //go:generate line runs it in that package's folder.)
// TestGeneratedFileIsCurrent fails until then, and TestOpenAPIEnum until
// docs/openapi.yaml's LanguageCode enum is what
//
//	go run ./internal/devtools/localegen -openapi
//
// prints.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"clientarea/internal/devtools/localegen/localedata"
)

func main() {
	out := flag.String("o", "languages_gen.go", "file to write")
	openapi := flag.Bool("openapi", false, "print the LanguageCode enum of docs/openapi.yaml instead")
	flag.Parse()
	if *openapi {
		fmt.Print(enum(localedata.Languages()))
		return
	}
	src, err := localedata.Source()
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localegen:", err)
		os.Exit(1)
	}
}

// enum renders the codes as docs/openapi.yaml spells the enum: a flow
// sequence, quoted codes filling lines of up to 104 columns.
func enum(list []localedata.Language) string {
	const indent, width = "        ", 104
	var b strings.Builder
	b.WriteString("      enum: [\n")
	line := indent
	for i, l := range list {
		item := fmt.Sprintf("%q", l.Code)
		if i < len(list)-1 {
			item += ","
		}
		if line != indent && len(line)+1+len(item) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += item
	}
	b.WriteString(line + "\n" + indent + "]\n")
	return b.String()
}
