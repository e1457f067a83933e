package faults_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/faults"
)

const generalPath = "/admin/config/general"

func generalBody(maxAccounts int) map[string]any {
	return map[string]any{"clients": map[string]any{"max_accounts": maxAccounts}, "security": map[string]any{"session_minutes": 30}}
}

// retried reports whether the SDK retries f, so that a fault of the first
// attempt only is absorbed.
func retried(f fault) bool { return f.attempts > 1 }

// A configuration read whose GetItem fails is 503 unavailable with
// Retry-After after the SDK's attempts; one that fails once is served.
func TestConfigReadUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	h := w.env.Handler("general")
	with(t, w, tableFaults, func(w *world, f fault) {
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "GetItem", Fault: f.kind})
		expect503(w.t, w.faulted(h, apptest.Admin(http.MethodGet, generalPath, nil, "")), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "GetItem", f.attempts)
		if !retried(f) {
			return
		}
		w.plan.Reset()
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "GetItem", Fault: f.kind, Attempts: 1})
		w.do(h, apptest.Admin(http.MethodGet, generalPath, nil, "")).Expect(w.t, http.StatusOK)
		if a := w.plan.Attempts(faults.DynamoDB, "GetItem"); a != 2 {
			w.t.Fatalf("%d attempts, want 2: one failed, one retried", a)
		}
	})
}

// The SDK's own backoff (up to seconds between attempts), as deployed:
// the same 3 attempts, then the same clean 503.
func TestConfigReadWithTheDefaultBackoff(t *testing.T) {
	env := apptest.New(t)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	plan := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Operation: "GetItem", Fault: faults.Throttle})
	env.Deps.AWS = plan.Apply(env.Deps.AWS) // without FastRetries
	r := apptest.Do(t, env.Handler("general"), apptest.Admin(http.MethodGet, generalPath, nil, ""))
	expect503(t, r, "unavailable", "2")
	if plan.Attempts(faults.DynamoDB, "GetItem") != 3 {
		t.Fatalf("%d attempts", plan.Attempts(faults.DynamoDB, "GetItem"))
	}
}

// A configuration write whose transaction fails is 503 and leaves nothing
// behind: the same version, no audit entry. One that fails once is saved
// once.
func TestConfigWriteUnderTableFaults(t *testing.T) {
	w := newWorld(t)
	h := w.env.Handler("general")
	n := 1
	with(t, w, transactionFaults, func(w *world, f fault) {
		version := w.do(h, apptest.Admin(http.MethodGet, generalPath, nil, "")).Expect(w.t, 200).Header.Get("ETag")
		entries := len(w.env.AuditEntries("general"))
		n++
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Fault: f.kind})
		expect503(w.t, w.faulted(h, apptest.Admin(http.MethodPut, generalPath, generalBody(n), version)), "unavailable", f.wait)
		w.expectAttempts(faults.DynamoDB, "TransactWriteItems", f.attempts)
		w.plan.Reset()
		after := w.do(h, apptest.Admin(http.MethodGet, generalPath, nil, "")).Expect(w.t, 200)
		if after.Header.Get("ETag") != version || len(w.env.AuditEntries("general")) != entries {
			w.t.Fatalf("a failed write left version %s (was %s) and %d audit entries (were %d)",
				after.Header.Get("ETag"), version, len(w.env.AuditEntries("general")), entries)
		}
		if !retried(f) {
			return
		}
		w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Fault: f.kind, Attempts: 1})
		saved := w.do(h, apptest.Admin(http.MethodPut, generalPath, generalBody(n), version)).Expect(w.t, 200)
		if saved.Header.Get("ETag") == version || len(w.env.AuditEntries("general")) != entries+1 ||
			w.plan.Attempts(faults.DynamoDB, "TransactWriteItems") != 2 {
			w.t.Fatalf("version %s, %d audit entries (were %d), %d attempts", saved.Header.Get("ETag"),
				len(w.env.AuditEntries("general")), entries, w.plan.Attempts(faults.DynamoDB, "TransactWriteItems"))
		}
	})
}

// A write that committed but whose answer was lost (a 5xx after DynamoDB
// acted, on every attempt) is 503; it was done once, whole: the new
// version and its one audit entry, so a retry with the old version is 412
// and the GET shows the change. When only the first answer is lost, the
// SDK's retry carries the same idempotency token (ClientRequestToken), so
// DynamoDB answers it as the write already made: 200, one version, one
// audit entry.
func TestConfigWriteWhoseAnswerIsLost(t *testing.T) {
	w := newWorld(t)
	h := w.env.Handler("general")
	w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Fault: faults.ServerError, AfterSend: true})
	expect503(t, w.do(h, apptest.Admin(http.MethodPut, generalPath, generalBody(2), `"0"`)), "unavailable", "1")
	w.plan.Reset()
	if v := w.do(h, apptest.Admin(http.MethodGet, generalPath, nil, "")).Expect(t, 200).Header.Get("ETag"); v != `"1"` ||
		len(w.env.AuditEntries("general")) != 1 {
		t.Fatalf("version %s, %d audit entries; want the write once", v, len(w.env.AuditEntries("general")))
	}
	w.do(h, apptest.Admin(http.MethodPut, generalPath, generalBody(2), `"0"`)).ExpectProblem(t, http.StatusPreconditionFailed, "version_conflict")

	w.plan.Add(faults.Rule{Service: faults.DynamoDB, Operation: "TransactWriteItems", Fault: faults.ServerError, AfterSend: true, Attempts: 1})
	r := w.do(h, apptest.Admin(http.MethodPut, generalPath, generalBody(3), `"1"`))
	w.plan.Reset()
	r.Expect(t, http.StatusOK)
	if v := r.Header.Get("ETag"); v != `"2"` || len(w.env.AuditEntries("general")) != 2 {
		t.Fatalf("version %s, %d audit entries; want the write once", v, len(w.env.AuditEntries("general")))
	}
}
