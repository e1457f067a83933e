package messaging

import (
	"strconv"
	"testing"
)

func TestOutboxListsTheNewestFirstAndForgetsTheOldest(t *testing.T) {
	var box Outbox
	if got := box.List(); got == nil || len(got) != 0 {
		t.Fatalf("empty outbox lists %#v, want an empty list", got)
	}
	for i := range outboxKeeps + 2 {
		box.Add(OutboxItem{Message: strconv.Itoa(i)})
	}
	got := box.List()
	if len(got) != outboxKeeps || got[0].Message != strconv.Itoa(outboxKeeps+1) || got[len(got)-1].Message != "2" {
		t.Fatalf("%d items, first %q, last %q", len(got), got[0].Message, got[len(got)-1].Message)
	}
}
