package verification_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"clientarea/internal/testsupport/apptest"
)

const (
	levels   = "/admin/verification-levels"
	statuses = "/admin/statuses"
	section  = "/admin/config/verification"
)

// client sends admin requests to one verification handler.
type client struct {
	t   *testing.T
	env *apptest.Env
	h   http.Handler
}

func setup(t *testing.T) *client {
	env := apptest.New(t)
	return &client{t: t, env: env, h: env.Handler("verification")}
}

// do sends one admin request. The fake clock moves on a second after each
// one, so that audit entries (ordered by time) come out in request order.
func (c *client) do(method, path string, body any, ifMatch string) *apptest.Response {
	c.t.Helper()
	defer c.env.Clock.Advance(time.Second)
	return apptest.Do(c.t, c.h, apptest.Admin(method, path, body, ifMatch))
}

func kyc1() map[string]any {
	return map[string]any{
		"label": "kyc1", "type": "personal", "properties": []string{"tax_id"},
		"required_documents": []string{"passport_or_id"},
		"translations": map[string]any{
			"en": map[string]any{"title": "Basic", "description": "Identity checked", "fields": map[string]string{"tax_id": "Tax number"}},
		},
	}
}

func translations(t *testing.T, level map[string]any) map[string]any {
	t.Helper()
	tr, ok := level["translations"].(map[string]any)
	if !ok {
		t.Fatalf("level without translations: %v", level)
	}
	return tr
}

// fieldList is the problem's field names, printed.
func fieldList(t *testing.T, problem map[string]any) string {
	t.Helper()
	return fmt.Sprint(apptest.FieldErrors(t, problem))
}
