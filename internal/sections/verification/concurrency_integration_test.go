package verification_test

import (
	"fmt"
	"testing"
)

// Concurrent updates of one level, all based on the same version: exactly
// one wins, the stored level is the winner's, and only it is audited.
func TestConcurrentLevelUpdatesLoseNothing(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	winner := c.RaceWriters(levels+"/kyc1", 10, `"1"`, func(i int) any {
		body := kyc1()
		body["properties"] = []string{fmt.Sprintf("p%d", i)}
		body["translations"] = map[string]any{}
		return body
	})
	stored := c.Do("GET", levels+"/kyc1", nil, "").Expect(t, 200).Map(t)
	if stored["version"] != 2.0 || fmt.Sprint(stored["properties"]) != fmt.Sprintf("[p%d]", winner) {
		t.Fatalf("stored %v, want writer %d's properties at version 2", stored, winner)
	}
	if n := len(c.Audit("verification-levels")); n != 2 {
		t.Fatalf("%d audit entries, want 2 (create and the one winning update)", n)
	}
}

func TestConcurrentStatusUpdatesLoseNothing(t *testing.T) {
	c := setup(t)
	c.Do("POST", statuses, map[string]any{"label": "Approved", "text": map[string]string{"en": "Approved"}}, "").Expect(t, 201)
	winner := c.RaceWriters(statuses+"/Approved", 10, `"1"`, func(i int) any {
		return map[string]any{"label": "Approved", "text": map[string]string{"en": fmt.Sprintf("Approved %d", i)}}
	})
	stored := c.Do("GET", statuses+"/Approved", nil, "").Expect(t, 200).Map(t)
	if text := stored["text"].(map[string]any)["en"]; stored["version"] != 2.0 || text != fmt.Sprintf("Approved %d", winner) {
		t.Fatalf("stored %v, want writer %d's text at version 2", stored, winner)
	}
}
