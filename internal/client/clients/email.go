package clients

import (
	"strings"
	"unicode"
)

// NormalizeEmail returns email trimmed and lower-cased, and whether it
// looks like an address: one "@", a local part of 1-64 and a domain of
// 1-253 characters with a dot and no empty label, no spaces or control
// characters, 254 characters at most in all (RFC 5321's limits). Whether
// it exists only the confirmation email can tell. Addresses are compared
// and stored in lower case: nobody expects Ann@ and ann@ to be two
// clients.
func NormalizeEmail(email string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(email))
	local, domain, ok := strings.Cut(e, "@")
	if !ok || len(e) > 254 || local == "" || len(local) > 64 || len(domain) > 253 || strings.Contains(domain, "@") {
		return e, false
	}
	for _, r := range e {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == ',' || r == '<' || r == '>' || r == '\\' {
			return e, false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return e, false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return e, false
		}
	}
	return e, true
}
