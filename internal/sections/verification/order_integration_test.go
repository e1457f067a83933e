package verification_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"clientarea/internal/testsupport/apptest"
)

// orderOf is a level-order answer's levels and unranked levels, printed.
func orderOf(t *testing.T, answer map[string]any) (ranked, unranked string) {
	t.Helper()
	return fmt.Sprint(answer["levels"]), fmt.Sprint(answer["unranked"])
}

func TestLevelOrderDefaults(t *testing.T) {
	c := setup(t)
	if got, want := string(c.Get(orderUnranked).Expect(t, 200).Body), `{"levels":[],"unranked":[],"version":0}`+"\n"; got != want {
		t.Fatalf("defaults %s, want %s", got, want)
	}
	c.Do("POST", levels, level("kyc2"), "").Expect(t, 201)
	c.Do("POST", levels, level("kyc1"), "").Expect(t, 201)
	if got, want := string(c.Get(orderUnranked).Expect(t, 200).Body), `{"levels":[],"unranked":["kyc1","kyc2"],"version":0}`+"\n"; got != want {
		t.Fatalf("defaults with two levels %s, want %s", got, want)
	}
	// A plain GET is the section alone; include names only unranked.
	for _, p := range []string{order, order + "?include="} {
		if got, want := string(c.Get(p).Expect(t, 200).Body), `{"levels":[],"version":0}`+"\n"; got != want {
			t.Fatalf("GET %s: %s, want %s", p, got, want)
		}
	}
	c.Get(order+"?include=warnings").ExpectInvalid(t, "validation_failed", "include")
}

func TestLevelOrderSaves(t *testing.T) {
	c := setup(t)
	for _, l := range []string{"kyc1", "kyc2", "kyc3"} {
		c.Do("POST", levels, level(l), "").Expect(t, 201)
	}
	saved := c.Put(order, map[string]any{"levels": []string{"kyc2", "kyc1"}}, `"0"`).Expect(t, 200)
	if saved.Header.Get("ETag") != `"1"` {
		t.Fatalf("ETag %q", saved.Header.Get("ETag"))
	}
	answer := saved.Map(t)
	if ranked, unranked := orderOf(t, answer); ranked != "[kyc2 kyc1]" || unranked != "[kyc3]" || answer["version"] != 1.0 {
		t.Fatalf("saved %v", answer)
	}

	// The answer may be sent back as it is, unranked levels and all: they
	// are ignored. Its version stands in for If-Match.
	answer["levels"] = []string{"kyc1", "kyc3", "kyc2"}
	answer["unranked"] = []string{"nonsense"}
	again := c.Put(order, answer, "").Expect(t, 200).Map(t)
	if ranked, unranked := orderOf(t, again); ranked != "[kyc1 kyc3 kyc2]" || unranked != "[]" || again["version"] != 2.0 {
		t.Fatalf("saved again %v", again)
	}
	got := c.Get(orderUnranked).Expect(t, 200).Map(t)
	if ranked, unranked := orderOf(t, got); ranked != "[kyc1 kyc3 kyc2]" || unranked != "[]" || got["updated_by"] != "dev-admin" {
		t.Fatalf("get %v", got)
	}

	// Optimistic concurrency, as every section.
	c.Put(order, map[string]any{"levels": []string{}}, "").ExpectProblem(t, 428, "precondition_required")
	c.Put(order, map[string]any{"levels": []string{}}, `"1"`).ExpectProblem(t, 412, "version_conflict")

	// One audit entry per save, none for the refused ones.
	entries := c.Audit("level-order")
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2", len(entries))
	}
	last, first := entries[0], entries[1]
	if fmt.Sprint(first.Before["levels"]) != "[]" || fmt.Sprint(first.After["levels"]) != "[kyc2 kyc1]" ||
		fmt.Sprint(last.Before["levels"]) != "[kyc2 kyc1]" || fmt.Sprint(last.After["levels"]) != "[kyc1 kyc3 kyc2]" || last.Version != 2 {
		t.Fatalf("audit %+v / %+v", first, last)
	}
	if _, ok := last.After["unranked"]; ok {
		t.Fatal("the read-only unranked list was stored")
	}
}

func TestLevelOrderNamesOnlyExistingLevels(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, level("kyc1"), "").Expect(t, 201)
	c.Do("POST", levels, level("kyc2"), "").Expect(t, 201)
	c.Put(order, map[string]any{"levels": []string{"kyc1", "kyc9", "kyc2"}}, `"0"`).ExpectInvalid(t, "unknown_level", "levels[1]")
	// Labels are named exactly as they are spelled.
	c.Put(order, map[string]any{"levels": []string{"kyc1", "KYC2"}}, `"0"`).ExpectInvalid(t, "unknown_level", "levels[1]")
	// A deleted level is unknown again.
	c.Do("DELETE", levels+"/kyc2", nil, `"1"`).Expect(t, 204)
	c.Put(order, map[string]any{"levels": []string{"kyc2"}}, `"0"`).ExpectInvalid(t, "unknown_level", "levels[0]")

	if v := c.Get(order).Expect(t, 200).Map(t)["version"]; v != 0.0 {
		t.Fatalf("a refused order was saved: version %v", v)
	}
	if n := len(c.Audit("level-order")); n != 0 {
		t.Fatalf("refused orders left %d audit entries", n)
	}
}

func TestLevelOrderRefusesBadEntries(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, level("kyc1"), "").Expect(t, 201)
	c.Put(order, map[string]any{"levels": []string{"kyc1", "kyc1"}}, `"0"`).ExpectInvalid(t, "validation_failed", "levels[1]")
	c.Put(order, map[string]any{"levels": []string{"kyc1", "KYC1"}}, `"0"`).ExpectInvalid(t, "validation_failed", "levels[1]")
	c.Put(order, map[string]any{"levels": []string{"kyc 1", "kyc1", "", "kyc1"}}, `"0"`).
		ExpectInvalid(t, "validation_failed", "levels[0]", "levels[2]", "levels[3]")
	many := make([]string, 91)
	for i := range many {
		many[i] = fmt.Sprintf("l%d", i)
	}
	c.Put(order, map[string]any{"levels": many}, `"0"`).ExpectInvalid(t, "validation_failed", "levels")
	c.Put(order, map[string]any{"levels": "kyc1"}, `"0"`).ExpectProblem(t, 400, "bad_request")
	c.Put(order, map[string]any{"levels": []string{"kyc1"}, "ranks": 1}, `"0"`).ExpectProblem(t, 400, "bad_request")
	if v := c.Get(order).Expect(t, 200).Map(t)["version"]; v != 0.0 {
		t.Fatalf("a refused order was saved: version %v", v)
	}
}

// The most levels an order may list all fit in the save's transaction with
// their existence checks.
func TestLevelOrderOfNinetyLevels(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 90 levels")
	}
	c := setup(t)
	labels := make([]string, 90)
	for i := range labels {
		labels[i] = fmt.Sprintf("l%02d", i)
		c.Do("POST", levels, level(labels[i]), "").Expect(t, 201)
	}
	slices.Reverse(labels)
	saved := c.Put(order, map[string]any{"levels": labels}, `"0"`).Expect(t, 200).Map(t)
	if ranked, unranked := orderOf(t, saved); ranked != fmt.Sprint(labels) || unranked != "[]" {
		t.Fatalf("saved %v", saved)
	}
}

func TestListedLevelCannotBeDeleted(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, level("kyc1"), "").Expect(t, 201)
	c.Do("POST", levels, level("kyc2"), "").Expect(t, 201)
	c.Put(order, map[string]any{"levels": []string{"kyc1", "kyc2"}}, `"0"`).Expect(t, 200)

	p := c.Do("DELETE", levels+"/kyc1", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	if detail, _ := p["detail"].(string); !strings.Contains(detail, "take it out of the level order") {
		t.Fatalf("detail %q does not say what to do", p["detail"])
	}
	// Any case of the label reaches the same level.
	c.Do("DELETE", levels+"/KYC2", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	c.Get(levels+"/kyc1").Expect(t, 200)
	if n := len(c.Audit("verification-levels")); n != 2 {
		t.Fatalf("%d level audit entries, want the 2 creates", n)
	}

	// Taken out of the order, it can go; the other one still cannot.
	c.Put(order, map[string]any{"levels": []string{"kyc2"}}, `"1"`).Expect(t, 200)
	c.Do("DELETE", levels+"/kyc1", nil, `"1"`).Expect(t, 204)
	c.Do("DELETE", levels+"/kyc2", nil, `"1"`).ExpectProblem(t, 409, "in_use")

	// A level both required and ranked is freed only by both sections.
	c.Put(section, map[string]any{"required_level": "kyc2"}, `"0"`).Expect(t, 200)
	c.Put(order, map[string]any{"levels": []string{}}, `"2"`).Expect(t, 200)
	c.Do("DELETE", levels+"/kyc2", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	c.Put(section, map[string]any{"required_level": nil}, `"1"`).Expect(t, 200)
	c.Do("DELETE", levels+"/kyc2", nil, `"1"`).Expect(t, 204)
}

func TestUnrankedListsNewLevels(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, level("kyc1"), "").Expect(t, 201)
	c.Put(order, map[string]any{"levels": []string{"kyc1"}}, `"0"`).Expect(t, 200)
	c.Do("POST", levels, level("kyc3"), "").Expect(t, 201)
	c.Do("POST", levels, level("KYC2"), "").Expect(t, 201)
	got := c.Get(orderUnranked).Expect(t, 200).Map(t)
	if ranked, unranked := orderOf(t, got); ranked != "[kyc1]" || unranked != "[KYC2 kyc3]" {
		t.Fatalf("get %v", got)
	}
	saved := c.Put(order, map[string]any{"levels": []string{"kyc1", "kyc3"}}, `"1"`).Expect(t, 200).Map(t)
	if ranked, unranked := orderOf(t, saved); ranked != "[kyc1 kyc3]" || unranked != "[KYC2]" {
		t.Fatalf("saved %v", saved)
	}
	// A deleted unranked level is no longer listed.
	c.Do("DELETE", levels+"/kyc2", nil, `"1"`).Expect(t, 204)
	if _, unranked := orderOf(t, c.Get(orderUnranked).Expect(t, 200).Map(t)); unranked != "[]" {
		t.Fatalf("unranked %s after the delete", unranked)
	}
}

// A reorder racing the delete of a level never leaves the order naming a
// missing level. Even rounds race a PUT that ranks a new level against its
// delete: exactly one wins. Odd rounds race a PUT that takes a ranked level
// out of the order against its delete: the PUT always wins, and the delete
// wins too only when it comes after it.
func TestDeleteRacingLevelOrderNeverLeavesADanglingName(t *testing.T) {
	c := setup(t)
	var ranked []string
	wins := map[string]int{}
	for round := range 10 {
		label := fmt.Sprintf("lvl%d", round)
		c.Do("POST", levels, level(label), "").Expect(t, 201)
		version := int(c.Get(order).Expect(t, 200).Map(t)["version"].(float64))
		listed := round%2 == 1
		next := append(slices.Clone(ranked), label)
		if listed {
			c.Put(order, map[string]any{"levels": next}, fmt.Sprintf(`"%d"`, version)).Expect(t, 200)
			version++
			next = slices.Clone(ranked)
		}

		answers := apptest.Concurrently(2, func(i int) *apptest.Response {
			if i == 0 {
				return c.Do("DELETE", levels+"/"+label, nil, `"1"`)
			}
			return c.Put(order, map[string]any{"levels": next}, fmt.Sprintf(`"%d"`, version))
		})
		del, put := answers[0].Status, answers[1].Status

		final := c.Get(order).Expect(t, 200).Map(t)
		finalLevels, _ := final["levels"].([]any)
		ranked = ranked[:0]
		for _, l := range finalLevels {
			ranked = append(ranked, l.(string))
			if st := c.Get(levels + "/" + l.(string)).Status; st != 200 {
				t.Fatalf("round %d: the order %v names %s, whose GET is %d", round, finalLevels, l, st)
			}
		}
		inOrder := slices.Contains(ranked, label)
		levelStatus := c.Get(levels + "/" + label).Status
		outcome := fmt.Sprintf("listed=%v delete=%d put=%d", listed, del, put)
		switch outcome {
		case "listed=false delete=204 put=422", "listed=true delete=204 put=200":
			if inOrder || levelStatus != 404 {
				t.Fatalf("round %d (%s): order %v, level GET %d", round, outcome, ranked, levelStatus)
			}
		case "listed=false delete=409 put=200":
			if !inOrder || levelStatus != 200 {
				t.Fatalf("round %d (%s): order %v, level GET %d", round, outcome, ranked, levelStatus)
			}
		case "listed=true delete=409 put=200":
			if inOrder || levelStatus != 200 {
				t.Fatalf("round %d (%s): order %v, level GET %d", round, outcome, ranked, levelStatus)
			}
		default:
			t.Fatalf("round %d: %s; delete %s; put %s", round, outcome, answers[0].Body, answers[1].Body)
		}
		wins[outcome]++
	}
	t.Logf("outcomes %v", wins)
}
