package dynamo

import (
	"encoding/base64"
	"strings"
)

// A page cursor is opaque to clients: the sort key a page ended at, bound
// to the partition it was read from, so that a cursor of one list is never
// taken for another's. It carries keys, never data.

// EncodeCursor is the cursor of a page of partition that ended at sortKey.
func EncodeCursor(partition, sortKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(partition + "\x00" + sortKey))
}

// DecodeCursor returns the sort key cursor ended at, if cursor is a cursor
// of partition.
func DecodeCursor(partition, cursor string) (sortKey string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	p, sk, found := strings.Cut(string(raw), "\x00")
	if !found || p != partition || sk == "" {
		return "", false
	}
	return sk, true
}
