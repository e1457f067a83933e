package optoken_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"clientarea/internal/client/optoken"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

func TestConsumeRoute(t *testing.T) {
	h := setup(t)
	rt := httpapi.NewRouter()
	optoken.Mount(rt, h.store, principal.Resolver{DevServiceToken: "svc", DevAdminToken: "adm"}.RequireService)
	tok := h.issue("client-1", "withdraw")
	h.clock.Advance(time.Minute)
	post := func(bearer, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/tfa/operation-tokens/consume", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, r)
		return rec
	}
	body := `{"token":"` + tok.Token + `","operation":"withdraw","client_id":"client-1"}`

	for _, c := range []struct {
		name, bearer, body string
		status             int
		code               string
	}{
		{"no credentials", "", body, 401, "unauthenticated"},
		{"an admin", "adm", body, 403, "forbidden"},
		{"missing fields", "svc", `{"token":"` + tok.Token + `"}`, 422, "validation_failed"},
		{"another client", "svc", strings.Replace(body, "client-1", "client-2", 1), 404, optoken.CodeNotFound},
		{"a malformed token", "svc", `{"token":"x","operation":"withdraw","client_id":"client-1"}`, 404, optoken.CodeNotFound},
	} {
		if rec := post(c.bearer, c.body); rec.Code != c.status || !strings.Contains(rec.Body.String(), `"code":"`+c.code+`"`) {
			t.Fatalf("%s: %d %s, want %d %s", c.name, rec.Code, rec.Body, c.status, c.code)
		}
	}

	rec := post("svc", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var got struct {
		Consumed   bool      `json:"consumed"`
		ClientID   string    `json:"client_id"`
		Operation  string    `json:"operation"`
		ConsumedAt time.Time `json:"consumed_at"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Consumed || got.ClientID != "client-1" || got.Operation != "withdraw" || !got.ConsumedAt.Equal(start.Add(time.Minute)) {
		t.Fatalf("answer %+v", got)
	}
	if rec := post("svc", body); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), `"code":"token_used"`) {
		t.Fatalf("a second redemption: %d %s", rec.Code, rec.Body)
	}
	h.clock.Advance(optoken.TTL)
	late := h.issue("client-1", "withdraw")
	h.clock.Advance(optoken.TTL)
	expired := strings.Replace(body, tok.Token, late.Token, 1)
	if rec := post("svc", expired); rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), `"code":"token_expired"`) {
		t.Fatalf("an expired token: %d %s", rec.Code, rec.Body)
	}
}
