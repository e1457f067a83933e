package verification_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	lv "clientarea/internal/sections/verification/levels"
	"clientarea/internal/testsupport/apptest"
)

func TestAccountSectionDefaults(t *testing.T) {
	c := setup(t)
	got := string(c.Do("GET", section, nil, "").Expect(t, 200).Body)
	if want := `{"open_account_on_signup":false,"required_level":null,"required_status":null,"signup_account_currency":"USD","version":0}` + "\n"; got != want {
		t.Fatalf("defaults %s, want %s", got, want)
	}
}

func TestAccountSectionNamesOnlyExistingLevelsAndStatuses(t *testing.T) {
	c := setup(t)
	p := c.Do("PUT", section, map[string]any{"required_level": "kyc1"}, `"0"`).ExpectProblem(t, 422, "unknown_level")
	if fieldList(t, p) != "[required_level]" {
		t.Fatalf("problem %v", p)
	}
	c.Do("PUT", section, map[string]any{"required_status": "Approved"}, `"0"`).ExpectProblem(t, 422, "unknown_status")

	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	c.Do("POST", statuses, map[string]any{"label": "Approved"}, "").Expect(t, 201)
	// Labels are named exactly as they are spelled.
	c.Do("PUT", section, map[string]any{"required_level": "KYC1"}, `"0"`).ExpectProblem(t, 422, "unknown_level")
	// Init exists without ever being saved.
	c.Do("PUT", section, map[string]any{"required_status": "Init"}, `"0"`).Expect(t, 200)
	saved := c.Do("PUT", section, map[string]any{"open_account_on_signup": true, "required_level": "kyc1", "required_status": "Approved"}, `"1"`).Expect(t, 200).Map(t)
	if saved["required_level"] != "kyc1" || saved["required_status"] != "Approved" || saved["version"] != 2.0 {
		t.Fatalf("saved %v", saved)
	}
	if n := len(c.Audit("verification")); n != 2 {
		t.Fatalf("%d audit entries, want 2", n)
	}

	// Named items cannot be deleted...
	c.Do("DELETE", levels+"/kyc1", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	c.Do("DELETE", statuses+"/Approved", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	// ...until the section stops naming them (a blank label is null).
	c.Do("PUT", section, map[string]any{"required_level": "", "required_status": nil}, `"2"`).Expect(t, 200)
	c.Do("DELETE", levels+"/kyc1", nil, `"1"`).Expect(t, 204)
	c.Do("DELETE", statuses+"/Approved", nil, `"1"`).Expect(t, 204)
	c.Do("PUT", section, map[string]any{"required_level": "kyc1"}, `"3"`).ExpectProblem(t, 422, "unknown_level")
}

// The account opened at sign-up is in the currency the section names: an
// ISO 4217 code in use, USD unless set.
func TestAccountSectionSignupCurrency(t *testing.T) {
	c := setup(t)
	saved := c.Put(section, map[string]any{"open_account_on_signup": true, "signup_account_currency": "EUR"}, `"0"`).Expect(t, 200).Map(t)
	if saved["signup_account_currency"] != "EUR" || saved["version"] != 1.0 {
		t.Fatalf("saved %v", saved)
	}
	if got := c.Get(section).Expect(t, 200).Map(t); got["signup_account_currency"] != "EUR" {
		t.Fatalf("get %v", got)
	}
	for _, bad := range []any{"eur", "XYZ", "HRK", "EURO", 978} {
		r := c.Put(section, map[string]any{"signup_account_currency": bad}, `"1"`)
		if _, isString := bad.(string); !isString {
			r.ExpectProblem(t, 400, "bad_request")
			continue
		}
		r.ExpectInvalid(t, "validation_failed", "signup_account_currency")
	}
	if got := c.Get(section).Expect(t, 200).Map(t); got["signup_account_currency"] != "EUR" || got["version"] != 1.0 {
		t.Fatalf("a refused currency was saved: %v", got)
	}
	// Left out, null or blank, it is USD again.
	for i, body := range []map[string]any{{}, {"signup_account_currency": nil}, {"signup_account_currency": ""}} {
		saved := c.Put(section, body, fmt.Sprintf(`"%d"`, i+1)).Expect(t, 200).Map(t)
		if saved["signup_account_currency"] != "USD" {
			t.Fatalf("%v saved %v", body, saved)
		}
	}
	if n := len(c.Audit("verification")); n != 4 {
		t.Fatalf("%d audit entries, want 4", n)
	}
}

// A delete of a level racing a PUT that makes it the required level never
// leaves the section pointing at a missing level: exactly one of them wins.
func TestDeleteRacingRequiredLevelNeverLeavesADanglingName(t *testing.T) {
	c := setup(t)
	sectionVersion := 0
	deleted, named := 0, 0
	for round := range 8 {
		label := fmt.Sprintf("lvl%d", round)
		body := kyc1()
		body["label"] = label
		c.Do("POST", levels, body, "").Expect(t, 201)

		statuses := apptest.Concurrently(2, func(i int) int {
			if i == 0 {
				return c.Do("DELETE", levels+"/"+label, nil, `"1"`).Status
			}
			return c.Do("PUT", section, map[string]any{"required_level": label}, fmt.Sprintf(`"%d"`, sectionVersion)).Status
		})
		del, put := statuses[0], statuses[1]

		cfg := c.Do("GET", section, nil, "").Expect(t, 200).Map(t)
		levelStatus := c.Do("GET", levels+"/"+label, nil, "").Status
		switch {
		case del == 204 && put == 422:
			deleted++
			if cfg["required_level"] == label || levelStatus != 404 {
				t.Fatalf("round %d: level deleted but section %v, level GET %d", round, cfg, levelStatus)
			}
		case del == 409 && put == 200:
			named++
			sectionVersion++
			if cfg["required_level"] != label || levelStatus != 200 {
				t.Fatalf("round %d: section named the level but section %v, level GET %d", round, cfg, levelStatus)
			}
		default:
			t.Fatalf("round %d: delete %d, put %d (want exactly one to win)", round, del, put)
		}
	}
	t.Logf("deletes won %d rounds, PUTs %d", deleted, named)
}

// Clients (a later part of the service) hold levels and statuses through
// Store.Hold in their own transactions; a held level cannot be deleted.
func TestHeldLevelCannotBeDeleted(t *testing.T) {
	c := setup(t)
	c.Do("POST", levels, kyc1(), "").Expect(t, 201)
	store := lv.Levels(c.Env.Deps.AdminDocs())
	hold := func(label string, delta int64) error {
		item, ok := store.Hold(label, delta)
		if !ok {
			t.Fatalf("no hold item for %s", label)
		}
		_, err := c.Env.Deps.Table.DB.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{
			TransactItems: []types.TransactWriteItem{item},
		})
		return err
	}
	if err := hold("kyc1", 1); err != nil {
		t.Fatal(err)
	}
	if err := hold("nope", 1); err == nil {
		t.Fatal("holding a missing level succeeded")
	}
	c.Do("DELETE", levels+"/kyc1", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	// Holding does not change the level's version, and updates keep the count.
	c.Do("PUT", levels+"/kyc1", kyc1(), `"1"`).Expect(t, 200)
	c.Do("DELETE", levels+"/kyc1", nil, `"2"`).ExpectProblem(t, 409, "in_use")
	if err := hold("kyc1", -1); err != nil {
		t.Fatal(err)
	}
	c.Do("DELETE", levels+"/kyc1", nil, `"2"`).Expect(t, 204)
	if _, ok := lv.Statuses(c.Env.Deps.AdminDocs()).Hold("Init", 1); ok {
		t.Fatal("Init is never deleted, so it needs no hold count")
	}
}
