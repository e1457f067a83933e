package main

import (
	"testing"
	"time"
)

func TestLoopbackBase(t *testing.T) {
	for base, want := range map[string]string{
		"http://127.0.0.1:3000":  "http://127.0.0.1:3000",
		"http://127.0.0.1:3000/": "http://127.0.0.1:3000",
		"http://localhost:3400":  "http://127.0.0.1:3400",
		"http://127.9.9.9":       "http://127.9.9.9:80",
	} {
		got, err := loopbackBase(base)
		if err != nil || got != want {
			t.Errorf("loopbackBase(%q) = %q, %v; want %q", base, got, err, want)
		}
	}
	for _, base := range []string{
		"http://10.0.0.1:3000", "http://192.168.1.2:3000", "http://example.com:3000", "http://[::1]:3000",
		"ftp://127.0.0.1", "127.0.0.1:3000", "http://127.0.0.1:3000/api", "http://0.0.0.0:3000",
	} {
		if got, err := loopbackBase(base); err == nil {
			t.Errorf("loopbackBase(%q) = %q, want an error", base, got)
		}
	}
}

func TestOutboxMessages(t *testing.T) {
	sms := outMsg{Message: "Your verification code is 042317. It expires in 5 min. Never share it with anyone."}
	if got := sms.code(); got != "042317" {
		t.Errorf("code = %q", got)
	}
	mail := outMsg{Message: `{"kind":"email_verification","email":"a@example.com","data":{"token":"abc_-1"}}`}
	if got := mail.token(); got != "abc_-1" {
		t.Errorf("token = %q", got)
	}
}

func TestMarker(t *testing.T) {
	if a, b := marker("documents", documentsDoc(5)), marker("documents", map[string]any{"required": []any{"bank_card_back", "passport_or_id"}}); a != b {
		t.Errorf("documents markers differ: %q, %q", a, b)
	}
	if a, b := marker("general", generalDoc(7)), marker("general", map[string]any{"security": map[string]any{"session_minutes": 67.0}}); a != b {
		t.Errorf("general markers differ: %q, %q", a, b)
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	if p50, p99 := percentile(lat, 0.5), percentile(lat, 0.99); p50 != 50*time.Millisecond || p99 != 99*time.Millisecond {
		t.Errorf("p50 %s, p99 %s", p50, p99)
	}
}
