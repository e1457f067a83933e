package me_test

import (
	"fmt"
	"testing"
)

func TestVerificationState(t *testing.T) {
	w := newWorld(t)
	c := w.signup("ann@example.com")
	config := w.env.Admin("verification")
	w.env.Configure("documents", "documents", map[string]any{"required": []string{"passport_or_id"}})

	v := c.do("GET", "/me/verification", nil).Expect(t, 200).Map(t)
	if v["level"] != nil || fmt.Sprint(v["status"]) != "map[label:Init language:en properties:map[] text:Init]" ||
		fmt.Sprint(v["required_documents"]) != "[passport_or_id]" ||
		fmt.Sprint(v["account_opening"]) != "map[allowed:true missing:[]]" {
		t.Fatalf("a new client: %v", v)
	}

	config.Do("POST", "/admin/verification-levels", map[string]any{"label": "kyc1", "type": "personal",
		"required_documents": []string{"bank_card_front", "passport_or_id"},
		"translations": map[string]any{
			"en": map[string]any{"title": "Basic", "description": "Identity checked"},
			"de": map[string]any{"title": "Basis", "description": "Identität geprüft"},
		}}, "").Expect(t, 201)
	config.Do("POST", "/admin/verification-levels", map[string]any{"label": "kyc2", "type": "personal"}, "").Expect(t, 201)
	// Approved has German text only: it is shown for want of English.
	config.Do("POST", "/admin/statuses", map[string]any{"label": "Approved", "text": map[string]string{"de": "Genehmigt"}}, "").Expect(t, 201)
	w.env.Configure("verification", "verification", map[string]any{"required_level": "kyc2", "required_status": "Approved"})

	missing := c.do("GET", "/me/verification", nil).Expect(t, 200).Map(t)["account_opening"]
	if fmt.Sprint(missing) != "map[allowed:false missing:[map[code:level_required label:kyc2] map[code:status_required label:Approved]]]" {
		t.Fatalf("missing %v", missing)
	}

	w.env.Admin("clients").Do("PUT", "/admin/clients/"+c.id+"/verification", map[string]any{"level": "kyc1", "status": "Approved"}, "").Expect(t, 200)
	v = c.do("GET", "/me/verification", nil).Expect(t, 200).Map(t)
	level, status := v["level"].(map[string]any), v["status"].(map[string]any)
	if level["label"] != "kyc1" || level["title"] != "Basic" || level["language"] != "en" ||
		status["text"] != "Genehmigt" || status["language"] != "de" ||
		fmt.Sprint(v["required_documents"]) != "[passport_or_id bank_card_front]" {
		t.Fatalf("with kyc1 and Approved: %v", v)
	}
	// kyc1 is not ranked: it satisfies only itself.
	if m := fmt.Sprint(v["account_opening"]); m != "map[allowed:false missing:[map[code:level_required label:kyc2]]]" {
		t.Fatalf("unranked kyc1 against kyc2: %v", m)
	}
	w.env.Configure("verification", "level-order", map[string]any{"levels": []string{"kyc1", "kyc2"}})
	if m := fmt.Sprint(c.do("GET", "/me/verification", nil).Map(t)["account_opening"]); m != "map[allowed:false missing:[map[code:level_required label:kyc2]]]" {
		t.Fatalf("kyc1 below kyc2: %v", m)
	}
	w.env.Configure("verification", "level-order", map[string]any{"levels": []string{"kyc2", "kyc1"}})
	if m := fmt.Sprint(c.do("GET", "/me/verification", nil).Map(t)["account_opening"]); m != "map[allowed:true missing:[]]" {
		t.Fatalf("kyc1 above kyc2: %v", m)
	}

	// In German, the level's German texts.
	w.env.Configure("languages", "languages", map[string]any{"active": []any{map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de", "enabled": true}}, "default": "en"})
	c.do("PATCH", "/me", map[string]any{"language": "de"}).Expect(t, 200)
	level = c.do("GET", "/me/verification", nil).Expect(t, 200).Map(t)["level"].(map[string]any)
	if level["title"] != "Basis" || level["language"] != "de" {
		t.Fatalf("in German: %v", level)
	}
}

// Texts fall back to the default language, then to any text.
func TestVerificationTextsFallBack(t *testing.T) {
	w := newWorld(t)
	c := w.signup("ann@example.com")
	w.env.Configure("languages", "languages", map[string]any{"active": []any{
		map[string]any{"code": "en", "enabled": true}, map[string]any{"code": "de", "enabled": true},
		map[string]any{"code": "fr", "enabled": true}}, "default": "de"})
	c.do("PATCH", "/me", map[string]any{"language": "fr"}).Expect(t, 200)
	config := w.env.Admin("verification")
	config.Do("POST", "/admin/verification-levels", map[string]any{"label": "kyc1", "type": "personal",
		"translations": map[string]any{"en": map[string]any{"title": "Basic"}, "de": map[string]any{"title": "Basis"}}}, "").Expect(t, 201)
	config.Do("POST", "/admin/statuses", map[string]any{"label": "Approved", "text": map[string]string{"it": "Approvato", "es": "Aprobado"}}, "").Expect(t, 201)
	w.env.Admin("clients").Do("PUT", "/admin/clients/"+c.id+"/verification", map[string]any{"level": "kyc1", "status": "Approved"}, "").Expect(t, 200)

	v := c.do("GET", "/me/verification", nil).Expect(t, 200).Map(t)
	level, status := v["level"].(map[string]any), v["status"].(map[string]any)
	if level["title"] != "Basis" || level["language"] != "de" {
		t.Fatalf("no French: the default language's text, got %v", level)
	}
	if status["text"] != "Aprobado" || status["language"] != "es" {
		t.Fatalf("neither French nor German: the first text there is, got %v", status)
	}
}
