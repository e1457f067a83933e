// Package secrettoken makes the bearer secrets that are handed out once and
// stored only hashed (emailed links, operation tokens): 256 random bits,
// base64url without padding, stored as their SHA-256 in hex.
package secrettoken

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Bytes is how many random bytes a token carries.
const Bytes = 32

var encoding = base64.RawURLEncoding

// New returns a new token.
func New() string {
	b := make([]byte, Bytes)
	_, _ = rand.Read(b) // never fails: crypto/rand panics rather than return short
	return encoding.EncodeToString(b)
}

// WellFormed reports whether token can be one New made, so that anything
// else is refused without reading the table.
func WellFormed(token string) bool {
	if len(token) != encoding.EncodedLen(Bytes) {
		return false
	}
	b, err := encoding.Strict().DecodeString(token)
	return err == nil && len(b) == Bytes
}

// Hash is a token's stored form.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
