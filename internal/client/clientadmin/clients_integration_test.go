package clientadmin_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
)

func TestGetClientByIDAndByEmail(t *testing.T) {
	w := newWorld(t)
	id, _ := w.signup("Ann@Example.com") // stored in lower case

	got := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t)
	if got["client_id"] != id || got["email"] != "ann@example.com" || got["verification_status"] != "Init" ||
		got["level"] != nil || got["manager"] != nil || got["status"] != "confirmed" {
		t.Fatalf("client %v", got)
	}
	w.admin.Get("/admin/clients/nope").ExpectProblem(t, 404, "not_found")

	byEmail := w.admin.Get("/admin/clients?email="+url.QueryEscape("ann@EXAMPLE.com")).Expect(t, 200).Map(t)
	items := byEmail["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["client_id"] != id || byEmail["next_cursor"] != nil {
		t.Fatalf("by email %v", byEmail)
	}
	if padded := w.admin.Get("/admin/clients?email="+url.QueryEscape(" ann@example.com ")).Expect(t, 200).Map(t); len(padded["items"].([]any)) != 1 {
		t.Fatalf("an address with spaces around it: %v", padded)
	}
	none := w.admin.Get("/admin/clients?email=nobody%40example.com").Expect(t, 200).Map(t)
	if len(none["items"].([]any)) != 0 {
		t.Fatalf("unknown email %v", none)
	}
	w.admin.Get("/admin/clients?email=").ExpectInvalid(t, "validation_failed", "email")
}

// Online means seen within session_minutes: sign-up and login record
// last_seen_at, and so does the session authorizer as the client uses its
// session (at most once a minute).
func TestLastSeenAndOnline(t *testing.T) {
	w := newWorld(t)
	id, token := w.signup("ann@example.com")
	signedUp := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t)
	if signedUp["online"] != true || signedUp["last_seen_at"] != signedUp["created_at"] {
		t.Fatalf("just signed up: %v", signedUp)
	}
	w.env.Clock.Advance(2 * time.Minute)
	apptest.Do(t, w.me, apptest.Request{Method: "GET", Path: "/me", Token: token}).Expect(t, 200)

	seen := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t)
	if seen["online"] != true || seen["last_seen_at"] == nil {
		t.Fatalf("just seen: %v", seen)
	}
	w.env.Clock.Advance(61 * time.Minute) // the default session_minutes is 60
	if later := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t); later["online"] != false || later["last_seen_at"] != seen["last_seen_at"] {
		t.Fatalf("an hour later: %v", later)
	}
	if seen["last_seen_at"] == signedUp["last_seen_at"] {
		t.Fatal("using the session did not move last_seen_at")
	}
	// A login is being seen; a shorter session_minutes makes a client
	// offline sooner.
	w.relogin("ann@example.com")
	if v := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t); v["online"] != true {
		t.Fatalf("just logged in: %v", v)
	}
	w.env.Configure("general", "general", map[string]any{"security": map[string]any{"session_minutes": 5}})
	w.env.Clock.Advance(6 * time.Minute)
	if v := w.admin.Get("/admin/clients/"+id).Expect(t, 200).Map(t); v["online"] != false {
		t.Fatalf("seen 6 minutes ago with session_minutes 5: %v", v)
	}
}

func (w *world) relogin(email string) string {
	w.t.Helper()
	a := apptest.Do(w.t, w.auth, apptest.Request{Method: "POST", Path: "/auth/login",
		Body: map[string]any{"email": email, "password": password}}).Expect(w.t, 200).Map(w.t)
	return a["session"].(map[string]any)["token"].(string)
}

func TestListPagesNewestFirst(t *testing.T) {
	w := newWorld(t)
	var ids []string
	for i := range 5 {
		id, _ := w.signup(fmt.Sprintf("c%d@example.com", i))
		ids = append(ids, id)
		w.env.Clock.Advance(time.Second)
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		path := "/admin/clients?limit=2"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		page := w.admin.Get(path).Expect(t, 200).Map(t)
		for _, it := range page["items"].([]any) {
			seen = append(seen, it.(map[string]any)["client_id"].(string))
		}
		if page["next_cursor"] == nil {
			break
		}
		cursor = page["next_cursor"].(string)
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	want := fmt.Sprint([]string{ids[4], ids[3], ids[2], ids[1], ids[0]})
	if fmt.Sprint(seen) != want {
		t.Fatalf("paged %v, want newest first %v", seen, want)
	}
	// A page that holds the rest is the last: no empty page follows.
	if all := w.admin.Get("/admin/clients?limit=5").Expect(t, 200).Map(t); len(all["items"].([]any)) != 5 || all["next_cursor"] != nil {
		t.Fatalf("limit 5 of 5: %v", all)
	}
	forged := []string{
		dynamo.EncodeCursor("AUDIT#general", "x"),                  // another list's
		dynamo.EncodeCursor("CLIENTS", strings.Repeat("x", 2000)),  // a key no entry has
		dynamo.EncodeCursor("CLIENTS", "2026-01-01T00:00:00Z#abc"), // not an entry's form
	}
	bad := []string{"limit=0", "limit=101", "limit=x", "limit=07", "limit=%2B7", "cursor=garbage"}
	for _, c := range forged {
		bad = append(bad, "cursor="+url.QueryEscape(c))
	}
	for _, bad := range bad {
		p := w.admin.Get("/admin/clients?"+bad).ExpectProblem(t, 422, "validation_failed")
		if len(apptest.FieldErrors(t, p)) != 1 {
			t.Fatalf("%s: %v", bad, p)
		}
	}
}

func TestClientRoutesAreForAdminsOnly(t *testing.T) {
	w := newWorld(t)
	id, token := w.signup("ann@example.com")
	w.admin.Anonymous("GET", "/admin/clients/"+id, nil).Expect(t, 401)
	// A client session is no admin token: in AWS the JWT authorizer refuses
	// it before the function runs, with API Gateway's 401.
	w.admin.Send(apptest.Request{Method: "GET", Path: "/admin/clients", Token: token}).Expect(t, 401)
	w.admin.Send(apptest.Request{Method: "PUT", Path: "/admin/clients/" + id + "/verification", Token: token,
		Body: map[string]any{"level": nil}}).Expect(t, 401)
}

func TestManager(t *testing.T) {
	w := newWorld(t)
	id, token := w.signup("ann@example.com")
	body := map[string]any{"manager_id": "u-42", "name": "Ann Manager"}
	w.admin.Put("/admin/clients/"+id+"/manager", body, "").ExpectProblem(t, 409, "feature_disabled")

	w.env.Configure("general", "general", map[string]any{"clients": map[string]any{"personal_manager": true}})
	w.admin.Put("/admin/clients/"+id+"/manager", map[string]any{"manager_id": "", "name": "x"}, "").ExpectInvalid(t, "validation_failed", "manager_id")
	w.admin.Put("/admin/clients/nope/manager", body, "").ExpectProblem(t, 404, "not_found")
	got := w.admin.Put("/admin/clients/"+id+"/manager", body, "").Expect(t, 200).Map(t)
	if m := got["manager"].(map[string]any); m["manager_id"] != "u-42" || m["name"] != "Ann Manager" {
		t.Fatalf("assigned %v", got)
	}
	me := apptest.Do(t, w.me, apptest.Request{Method: "GET", Path: "/me", Token: token}).Expect(t, 200).Map(t)
	if me["manager"].(map[string]any)["name"] != "Ann Manager" {
		t.Fatalf("the client does not see its manager: %v", me)
	}
	if entries := w.env.AuditEntries("clients"); len(entries) != 1 || entries[0].Subject != id || entries[0].Actor != "dev-admin" {
		t.Fatalf("audit %+v", entries)
	}

	// With the switch off the client no longer sees it; admins can clear it.
	w.env.Configure("general", "general", map[string]any{"clients": map[string]any{"personal_manager": false}})
	me = apptest.Do(t, w.me, apptest.Request{Method: "GET", Path: "/me", Token: token}).Expect(t, 200).Map(t)
	if me["manager"] != nil {
		t.Fatalf("manager shown with the switch off: %v", me)
	}
	if got := w.admin.Do("DELETE", "/admin/clients/"+id+"/manager", nil, "").Expect(t, 200).Map(t); got["manager"] != nil {
		t.Fatalf("after removal %v", got)
	}
}
