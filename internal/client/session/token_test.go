package session

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/principal"
)

func TestTokensRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id, s := newID(), newSecret()
		tok, ok := parseToken(tokenOf(id, s))
		if !ok || tok.id != id || tok.hash != s.hash {
			t.Fatalf("parse(%s) = %+v, %v", tokenOf(id, s), tok, ok)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(s.text)
		sum := sha256.Sum256(raw)
		if len(raw) != 32 || s.hash != hex.EncodeToString(sum[:]) {
			t.Fatalf("secret %q, hash %q", s.text, s.hash)
		}
		if seen[id] || seen[s.text] || !validID(id) {
			t.Fatal("repeated or invalid random value")
		}
		seen[id], seen[s.text] = true, true
	}
	if idLen != 22 || secretLen != 43 || tokenLen != 66 {
		t.Fatalf("lengths %d %d %d", idLen, secretLen, tokenLen)
	}
}

func TestParseTokenIsStrict(t *testing.T) {
	good := tokenOf(newID(), newSecret())
	for _, bad := range []string{
		"", ".", good[:65], good + "A", strings.Replace(good, ".", "_", 1),
		strings.Replace(good, good[:1], "+", 1), good[:30] + "\r" + good[31:], good[:30] + " " + good[31:],
		strings.ToUpper(good[:22]) + strings.Repeat("=", 44),
	} {
		if tok, ok := parseToken(bad); ok && bad != good {
			t.Errorf("parseToken(%q) = %+v", bad, tok)
		}
	}
}

func TestScopeAllows(t *testing.T) {
	for _, r := range SetupRoutes() {
		if !ScopeAllows(principal.ScopeTFASetup, r) || !ScopeAllows(principal.ScopeFull, r) {
			t.Errorf("%s refused", r)
		}
	}
	for _, r := range []string{"GET /me/accounts", "POST /me/accounts", "DELETE /me/tfa", "PATCH /me", "GET /me/", "get /me"} {
		if ScopeAllows(principal.ScopeTFASetup, r) {
			t.Errorf("a setup session reaches %s", r)
		}
		if ScopeAllows("", r) || ScopeAllows("admin", r) {
			t.Errorf("an unknown scope reaches %s", r)
		}
	}
	routes := SetupRoutes()
	routes[0] = "GET /me/accounts"
	if ScopeAllows(principal.ScopeTFASetup, "GET /me/accounts") {
		t.Fatal("changing SetupRoutes' answer changed the allow-list")
	}
}

func TestSlideDue(t *testing.T) {
	base := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	st := stored{lastSeenAt: base}
	cases := []struct {
		idle, after time.Duration
		due         bool
	}{
		{time.Hour, 59 * time.Second, false},
		{time.Hour, time.Minute, true},
		{2 * time.Minute, time.Minute, true},
		{time.Minute, 29 * time.Second, false},
		{time.Minute, 30 * time.Second, true},
		{time.Hour, -time.Minute, false}, // another instance's clock ran ahead
	}
	for _, c := range cases {
		if got := slideDue(st, base.Add(c.after), Limits{Idle: c.idle}); got != c.due {
			t.Errorf("idle %v, %v later: due %v", c.idle, c.after, got)
		}
	}
}

func TestRotatedKeepsTheNewest(t *testing.T) {
	st := stored{}
	for i := range 60 {
		st.rec.RefreshHash = strings.Repeat(string(rune('a'+i%26)), 2) + string(rune('0'+i/26))
		st.rec.Rotated = st.rotatedAfter()
	}
	if len(st.rec.Rotated) != keepRotated || st.rec.Rotated[keepRotated-1] != st.rec.RefreshHash {
		t.Fatalf("rotated %v", st.rec.Rotated)
	}
	if !st.wasRotated(st.rec.Rotated[0]) || st.wasRotated("") || st.wasRotated("zz") {
		t.Fatal("wasRotated")
	}
}

func TestBearer(t *testing.T) {
	cases := map[string]map[string]string{
		"tok": {"authorization": "Bearer tok"},
		"t2":  {"Authorization": "bearer   t2"},
		"":    {"authorization": "Token tok"},
	}
	for want, headers := range cases {
		if got := bearer(headers); got != want {
			t.Errorf("bearer(%v) = %q, want %q", headers, got, want)
		}
	}
	if bearer(nil) != "" || bearer(map[string]string{"x-authorization": "Bearer tok"}) != "" {
		t.Fatal("a token from nowhere")
	}
}
