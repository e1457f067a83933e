package session

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

const (
	idBytes     = 16 // a session id: 128 random bits
	secretBytes = 32 // a token's secret: 256 random bits
)

var (
	// Strict rejects encodings with non-zero trailing bits, so each id and
	// secret has exactly one spelling.
	b64       = base64.RawURLEncoding.Strict()
	idLen     = b64.EncodedLen(idBytes)
	secretLen = b64.EncodedLen(secretBytes)
	tokenLen  = idLen + 1 + secretLen
)

// token is a parsed access or refresh token: the session it names and the
// hash of its secret, never the secret itself.
type token struct {
	id   string
	hash string
}

// secret is a newly issued secret and the hash that is stored for it.
type secret struct {
	text string
	hash string
}

// newID returns a new session id.
func newID() string {
	return b64.EncodeToString(random(idBytes))
}

// newSecret returns a new token secret.
func newSecret() secret {
	raw := random(secretBytes)
	return secret{text: b64.EncodeToString(raw), hash: hashOf(raw)}
}

// tokenOf is the token of session id with secret s.
func tokenOf(id string, s secret) string { return id + "." + s.text }

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: crypto/rand crashes the program rather than return short
	return b
}

func hashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// parseToken reads "<id>.<secret>"; ok is false for anything that is not
// exactly such a token.
func parseToken(s string) (t token, ok bool) {
	if len(s) != tokenLen || s[idLen] != '.' {
		return token{}, false
	}
	id, sec := s[:idLen], s[idLen+1:]
	// The decoder skips CR and LF, so the alphabet is checked first.
	if !inAlphabet(id) || !inAlphabet(sec) {
		return token{}, false
	}
	var idRaw [idBytes]byte
	var secRaw [secretBytes]byte
	if n, err := b64.Decode(idRaw[:], []byte(id)); err != nil || n != idBytes {
		return token{}, false
	}
	if n, err := b64.Decode(secRaw[:], []byte(sec)); err != nil || n != secretBytes {
		return token{}, false
	}
	return token{id: id, hash: hashOf(secRaw[:])}, true
}

// validID reports whether id could be a session's id.
func validID(id string) bool {
	var raw [idBytes]byte
	if len(id) != idLen || !inAlphabet(id) {
		return false
	}
	n, err := b64.Decode(raw[:], []byte(id))
	return err == nil && n == idBytes
}

func inAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sameHash compares two stored-form hashes in constant time; an empty
// one (an item missing the attribute) matches nothing.
func sameHash(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
