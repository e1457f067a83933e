package clientadmin_test

import (
	"fmt"
	"strings"
	"testing"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/snstest"
)

func TestSetVerification(t *testing.T) {
	w := newWorld(t)
	id, _ := w.signup("ann@example.com")
	w.level("kyc1")
	w.status("Approved")

	w.setVerification(id, map[string]any{"level": "nope", "status": "Approved"}).ExpectInvalid(t, "unknown_level", "level")
	w.setVerification(id, map[string]any{"level": "kyc1", "status": "Nope"}).ExpectInvalid(t, "unknown_status", "status")
	// Labels are exact, like the verification section's.
	w.setVerification(id, map[string]any{"level": "KYC1"}).ExpectInvalid(t, "unknown_level", "level")
	w.setVerification(id, map[string]any{"level": "a b"}).ExpectInvalid(t, "unknown_level", "level")
	w.setVerification(id, map[string]any{"level": 3}).ExpectProblem(t, 400, "bad_request")
	w.setVerification(id, map[string]any{"level": "kyc1", "extra": 1}).ExpectProblem(t, 400, "bad_request")
	w.setVerification("nope", map[string]any{"level": "kyc1"}).ExpectProblem(t, 404, "not_found")
	if n := w.holders(dynamo.LevelKey("kyc1")); n != 0 {
		t.Fatalf("refused assignments counted %d holders", n)
	}

	got := w.setVerification(id, map[string]any{"level": "kyc1", "status": "Approved"}).Expect(t, 200).Map(t)
	if got["level"] != "kyc1" || got["verification_status"] != "Approved" {
		t.Fatalf("assigned %v", got)
	}
	if w.holders(dynamo.LevelKey("kyc1")) != 1 || w.holders(dynamo.StatusKey("Approved")) != 1 {
		t.Fatal("holders not counted")
	}
	// Held: neither can be deleted.
	w.config.Do("DELETE", "/admin/verification-levels/kyc1", nil, `"1"`).ExpectProblem(t, 409, "in_use")
	w.config.Do("DELETE", "/admin/statuses/Approved", nil, `"1"`).ExpectProblem(t, 409, "in_use")

	// The same assignment again changes nothing and records nothing.
	w.setVerification(id, map[string]any{"level": "kyc1", "status": "Approved"}).Expect(t, 200)
	entries := w.env.AuditEntries("clients")
	if len(entries) != 1 || entries[0].Subject != id || entries[0].After["level"] != "kyc1" || entries[0].Before["status"] != "Init" {
		t.Fatalf("audit %+v", entries)
	}

	// Back to no level and Init: both are free again.
	if got := w.setVerification(id, map[string]any{"level": nil, "status": nil}).Expect(t, 200).Map(t); got["level"] != nil || got["verification_status"] != "Init" {
		t.Fatalf("cleared %v", got)
	}
	if w.holders(dynamo.LevelKey("kyc1")) != 0 || w.holders(dynamo.StatusKey("Approved")) != 0 {
		t.Fatal("holders not released")
	}
	w.config.Do("DELETE", "/admin/verification-levels/kyc1", nil, `"1"`).Expect(t, 204)
	w.config.Do("DELETE", "/admin/statuses/Approved", nil, `"1"`).Expect(t, 204)
}

// An assignment racing the delete of its level: exactly one wins, and the
// client never holds a level that is gone.
func TestAssignmentRacingDeleteNeverLeavesADanglingLevel(t *testing.T) {
	w := newWorld(t)
	id, _ := w.signup("ann@example.com")
	assigned, deleted := 0, 0
	for round := range 8 {
		label := fmt.Sprintf("lvl%d", round)
		w.level(label)
		statuses := apptest.Concurrently(2, func(i int) int {
			if i == 0 {
				return w.config.Do("DELETE", "/admin/verification-levels/"+label, nil, `"1"`).Status
			}
			return w.setVerification(id, map[string]any{"level": label}).Status
		})
		client := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t)
		levelGET := w.config.Get("/admin/verification-levels/" + label).Status
		switch {
		case statuses[0] == 204 && statuses[1] == 422:
			deleted++
			if client["level"] == label || levelGET != 404 {
				t.Fatalf("round %d: deleted, yet client %v / level GET %d", round, client["level"], levelGET)
			}
		case statuses[0] == 409 && statuses[1] == 200:
			assigned++
			if client["level"] != label || levelGET != 200 || w.holders(dynamo.LevelKey(label)) != 1 {
				t.Fatalf("round %d: assigned, yet client %v / level GET %d", round, client["level"], levelGET)
			}
		default:
			t.Fatalf("round %d: delete %d, assignment %d", round, statuses[0], statuses[1])
		}
	}
	t.Logf("deletes won %d rounds, assignments %d", deleted, assigned)
}

// Concurrent assignments of one client lose nothing: the holders counts
// always match who holds what.
func TestConcurrentAssignmentsKeepHoldersExact(t *testing.T) {
	w := newWorld(t)
	labels := []string{"kyc1", "kyc2", "kyc3"}
	for _, l := range labels {
		w.level(l)
	}
	var ids []string
	for i := range 3 {
		id, _ := w.signup(fmt.Sprintf("c%d@example.com", i))
		ids = append(ids, id)
	}
	statuses := apptest.Concurrently(12, func(i int) int {
		return w.setVerification(ids[i%3], map[string]any{"level": labels[(i/3)%3]}).Status
	})
	for i, st := range statuses {
		if st != 200 && st != 409 {
			t.Fatalf("assignment %d: %d", i, st)
		}
	}
	held := map[string]int{}
	for _, id := range ids {
		c := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t)
		if l, ok := c["level"].(string); ok {
			held[l]++
		}
	}
	for _, l := range labels {
		if got := w.holders(dynamo.LevelKey(l)); got != held[l] {
			t.Errorf("%s: holders %d, clients holding it %d", l, got, held[l])
		}
	}
}

// open_account_on_signup waits for the required level; giving it opens
// the account, once.
func TestLevelChangeOpensTheSignupAccount(t *testing.T) {
	w := newWorld(t)
	w.level("kyc1")
	w.env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true, "required_level": "kyc1"})
	id, _ := w.signup("ann@example.com")
	if n := len(w.env.ItemsOfType("account")); n != 0 {
		t.Fatalf("%d accounts before the level", n)
	}
	w.setVerification(id, map[string]any{"level": "kyc1"}).Expect(t, 200)
	w.setVerification(id, map[string]any{"level": "kyc1", "status": "Init"}).Expect(t, 200)
	if n := len(w.env.ItemsOfType("account")); n != 1 {
		t.Fatalf("%d accounts after the level, want 1", n)
	}
	if got := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t); got["account_count"] != 1.0 {
		t.Fatalf("client %v", got)
	}
}

// The signup account opened by a level change announces itself like any
// account opened active; when the letter cannot be sent the opening is
// undone, the assignment stands, and the next change (or visit) opens it.
func TestSignupAccountLetterAfterALevelChange(t *testing.T) {
	env := apptest.New(t)
	srv := snstest.New(t)
	topic := apptest.ARN(t, "NotificationTopic")
	env.Deps.Config.SNSEndpoint, env.Deps.Config.NotificationTopicARN = srv.URL, topic
	env.Deps.AWS.RetryMaxAttempts = 1 // a failing topic fails at once
	w := &world{t: t, env: env, auth: env.Handler("auth"), me: env.Handler("me"),
		admin: env.Admin("clients"), config: env.Admin("verification")}
	w.level("kyc1")
	w.status("Approved")
	env.Configure("security", "registration", map[string]any{"activation_letter": true})
	env.Configure("verification", "verification", map[string]any{"open_account_on_signup": true, "required_level": "kyc1"})
	id, _ := w.signup("ann@example.com")

	srv.Fail(true)
	w.setVerification(id, map[string]any{"level": "kyc1"}).Expect(t, 200)
	if n := len(env.ItemsOfType("account")); n != 0 {
		t.Fatalf("%d accounts after a failed letter, want the opening undone", n)
	}
	srv.Fail(false)
	w.setVerification(id, map[string]any{"level": "kyc1", "status": "Approved"}).Expect(t, 200)
	if n := len(env.ItemsOfType("account")); n != 1 {
		t.Fatalf("%d accounts, want 1", n)
	}
	letters := 0
	for _, p := range srv.Requests() {
		if p.TopicArn == topic && strings.Contains(p.Message, "activation_letter") {
			letters++
		}
	}
	if letters != 2 { // the one that failed, and the one that went out
		t.Fatalf("%d letters published", letters)
	}
}
