package verification_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestInitAlwaysExists(t *testing.T) {
	c := setup(t)
	items := c.Do("GET", statuses, nil, "").Expect(t, 200).Map(t)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("statuses %v, want Init only", items)
	}
	init := items[0].(map[string]any)
	if init["label"] != "Init" || init["default"] != true || init["version"] != 0.0 {
		t.Fatalf("Init = %v", init)
	}
	res := c.Do("GET", statuses+"/Init", nil, "").Expect(t, 200)
	if res.Header.Get("ETag") != `"0"` {
		t.Fatalf("Init ETag %s", res.Header.Get("ETag"))
	}
	// Its label is taken in any case.
	c.Do("POST", statuses, map[string]any{"label": "init"}, "").ExpectProblem(t, 409, "label_taken")
	// It cannot be deleted, saved or not.
	c.Do("DELETE", statuses+"/Init", nil, `"0"`).ExpectProblem(t, 409, "default_status")
	// Its text may change (the first save creates it), not its label.
	c.Do("PUT", statuses+"/Init", map[string]any{"label": "Start"}, `"0"`).ExpectProblem(t, 422, "immutable_field")
	saved := c.Do("PUT", statuses+"/init", map[string]any{"text": map[string]string{"en": "New", "de": "Neu"}}, `"0"`).Expect(t, 200).Map(t)
	if saved["label"] != "Init" || saved["default"] != true || saved["version"] != 1.0 || fmt.Sprint(saved["text"]) != "map[de:Neu en:New]" {
		t.Fatalf("saved Init %v", saved)
	}
	c.Do("PUT", statuses+"/Init", map[string]any{"text": map[string]string{"en": "Again"}}, `"0"`).ExpectProblem(t, 412, "version_conflict")
	c.Do("DELETE", statuses+"/Init", nil, `"1"`).ExpectProblem(t, 409, "default_status")
	items = c.Do("GET", statuses, nil, "").Expect(t, 200).Map(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["version"] != 1.0 {
		t.Fatalf("after saving Init: %v", items)
	}
	entries := c.Audit("statuses")
	if len(entries) != 1 || entries[0].Before["text"].(map[string]any)["en"] != "Init" {
		t.Fatalf("audit of Init's first save: %+v", entries)
	}
}

func TestStatusLifecycle(t *testing.T) {
	c := setup(t)
	approved := map[string]any{"label": "Approved", "text": map[string]string{"en": "Approved"}, "properties": map[string]string{"color": "green"}}
	created := c.Do("POST", statuses, approved, "").Expect(t, 201).Map(t)
	if created["default"] != false || created["version"] != 1.0 || fmt.Sprint(created["properties"]) != "map[color:green]" {
		t.Fatalf("created %v", created)
	}
	c.Do("POST", statuses, map[string]any{"label": "APPROVED"}, "").ExpectProblem(t, 409, "label_taken")
	// A client cannot make a status the default one.
	sneaky := map[string]any{"label": "Approved", "default": true, "text": map[string]string{"en": "OK"}, "properties": map[string]string{}}
	updated := c.Do("PUT", statuses+"/approved", sneaky, `"1"`).Expect(t, 200).Map(t)
	if updated["default"] != false || fmt.Sprint(updated["text"]) != "map[en:OK]" || fmt.Sprint(updated["properties"]) != "map[]" {
		t.Fatalf("updated %v", updated)
	}
	c.Do("PUT", statuses+"/approved", map[string]any{"label": "Accepted"}, `"2"`).ExpectProblem(t, 422, "immutable_field")
	items := c.Do("GET", statuses, nil, "").Expect(t, 200).Map(t)["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["label"] != "Init" || items[1].(map[string]any)["label"] != "Approved" {
		t.Fatalf("list %v", items)
	}
	c.Do("DELETE", statuses+"/Approved", nil, `"2"`).Expect(t, 204)
	c.Do("GET", statuses+"/Approved", nil, "").ExpectProblem(t, 404, "not_found")
	if n := len(c.Audit("statuses")); n != 3 {
		t.Fatalf("%d audit entries, want 3", n)
	}
}

func TestStatusValidation(t *testing.T) {
	c := setup(t)
	p := c.Do("POST", statuses, map[string]any{
		"label": "Needs review!", "text": map[string]string{"en": "", "zz": "?"}, "properties": map[string]string{"bad name": "x"},
	}, "").ExpectProblem(t, 422, "validation_failed")
	if got := fieldList(t, p); got != "[label text.en text.zz properties.bad name]" {
		t.Fatalf("fields %s", got)
	}
	c.Do("POST", statuses, map[string]any{"label": "X", "properties": map[string]int{"n": 1}}, "").ExpectProblem(t, 400, "bad_request")
	// A null value is refused, not stored as "".
	p = c.Do("POST", statuses, `{"label":"X","properties":{"color":null}}`, "").ExpectProblem(t, 400, "bad_request")
	if !strings.Contains(p["detail"].(string), "properties.color") {
		t.Fatalf("problem %v does not name properties.color", p)
	}
	c.Get(statuses+"/X").ExpectProblem(t, 404, "not_found")
}
