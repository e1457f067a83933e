package kept

import (
	"testing"
	"time"
)

func TestValueIsKeptForItsTTLOnly(t *testing.T) {
	at := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	k := &Value[int]{TTL: time.Minute}
	if _, ok := k.Get(at); ok {
		t.Fatal("nothing kept yet")
	}
	k.Keep(7, at)
	if v, ok := k.Get(at.Add(time.Minute - time.Nanosecond)); !ok || v != 7 {
		t.Fatalf("within the TTL: %v %v", v, ok)
	}
	if _, ok := k.Get(at.Add(time.Minute)); ok {
		t.Fatal("kept at the TTL")
	}
	if _, ok := k.Get(at.Add(-time.Second)); ok {
		t.Fatal("kept after the clock went back")
	}
}

func TestNoTTLKeepsNothing(t *testing.T) {
	at := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, k := range []*Value[int]{nil, {}} {
		k.Keep(7, at)
		if _, ok := k.Get(at); ok {
			t.Fatalf("%+v kept a value", k)
		}
	}
}
