package dynamo

import "testing"

func TestCursorRoundTripAndBinding(t *testing.T) {
	c := EncodeCursor("CLIENTS", "2026-01-01T00:00:00.000000000Z#abc")
	if sk, ok := DecodeCursor("CLIENTS", c); !ok || sk != "2026-01-01T00:00:00.000000000Z#abc" {
		t.Fatalf("round trip: %q %v", sk, ok)
	}
	for _, bad := range []string{"", "!!", "Q0xJRU5UUw", EncodeCursor("AUDIT#general", "x"), EncodeCursor("CLIENTS", "")} {
		if _, ok := DecodeCursor("CLIENTS", bad); ok {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}
