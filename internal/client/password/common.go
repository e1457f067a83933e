package password

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// commonGz is Django's list of 20,000 common passwords, lower case, one a
// line (see README.md in this folder for its source and license). It stays
// compressed in the binary: 82 KB instead of 167 KB.
//
//go:embed common-passwords.txt.gz
var commonGz []byte

// commonList is the list decompressed, lower-cased, sorted and without
// duplicates, built on first use: only the functions that check a new
// password pay for it, and not at cold start.
var commonList = sync.OnceValues(func() ([]string, error) {
	return parseCommon(commonGz)
})

func parseCommon(gz []byte) ([]string, error) {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("password: reading the common-password list: %w", err)
	}
	defer r.Close()
	text, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("password: reading the common-password list: %w", err)
	}
	// One string for the whole text, with the entries slices of it: one
	// allocation instead of one per line.
	list := make([]string, 0, 20000)
	for line := range strings.Lines(string(text)) {
		if w := normalizeCommon(line); w != "" {
			list = append(list, w)
		}
	}
	slices.Sort(list)
	return slices.Compact(list), nil
}

// normalizeCommon is the form both the list and a candidate are compared
// in: lower case, and without surrounding spaces, so that "Password " is
// as common as "password" (as in Django's own validator).
func normalizeCommon(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// IsCommon reports whether pw is on the common-password list, regardless
// of case. The list is loaded on the first call.
func IsCommon(pw string) (bool, error) {
	list, err := commonList()
	if err != nil {
		return false, err
	}
	_, found := slices.BinarySearch(list, normalizeCommon(pw))
	return found, nil
}
