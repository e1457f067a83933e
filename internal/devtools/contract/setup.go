package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// fixtures is the data set up before the run: what the operations on
// existing things (a client, an account...) are given to find.
type fixtures struct {
	Email, Password string // the client's, for the session's logins
	// Another client, whose credentials POST /auth/login is given: the
	// logins Schemathesis makes with wrong passwords lock its address,
	// never the session client's.
	LoginEmail, LoginPassword string
	ClientID                  string
	SessionToken              string // the session its sign-up opened
	Level, Status             string
	AccountID                 string // the client's live account, pending activation
	AuditID                   string // an entry of the General section's trail
	SpareSessionID            string // another session of the client, to end
	SpareRefresh              string // the refresh token of a third one, to refresh
	OperationToken            string // for `deposit`, to redeem
	Operation                 string
}

// setUp configures the service and creates the client through the API, as
// a back office and a client would.
func setUp(ctx context.Context, base string) (fixtures, error) {
	fx := fixtures{
		Email:         "contract.client@example.com",
		Password:      "quiet harbour lantern 42",
		LoginEmail:    "contract.login@example.com",
		LoginPassword: "amber meadow compass 17",
		Level:         "kyc1",
		Status:        "Approved",
		Operation:     "deposit",
	}
	c := &apiClient{ctx: ctx, base: base}
	admin := "Bearer " + adminToken

	// Accounts open pending (so that one waits for the admin's
	// activation), demo accounts and personal managers are on.
	if err := c.do("PUT", "/admin/config/general", admin, `"0"`, map[string]any{
		"clients": map[string]any{"activate_account_on_create": false, "demo_account": true, "personal_manager": true},
	}, 200, nil); err != nil {
		return fx, err
	}
	if err := c.do("POST", "/admin/verification-levels", admin, "", map[string]any{
		"label": fx.Level, "type": "personal", "properties": []string{"tax_id"},
		"required_documents": []string{"passport_or_id"},
		"translations": map[string]any{"en": map[string]any{
			"title": "Basic", "description": "Identity checked", "fields": map[string]string{"tax_id": "Tax number"}}},
	}, 201, nil); err != nil {
		return fx, err
	}
	if err := c.do("POST", "/admin/statuses", admin, "", map[string]any{
		"label": fx.Status, "text": map[string]string{"en": "Approved"}, "properties": map[string]string{"color": "green"},
	}, 201, nil); err != nil {
		return fx, err
	}

	var signup struct {
		ClientID string `json:"client_id"`
		Session  struct {
			Token string `json:"token"`
		} `json:"session"`
	}
	if err := c.do("POST", "/auth/signup", "", "", map[string]any{
		"email": fx.Email, "password": fx.Password, "language": "en",
	}, 201, &signup); err != nil {
		return fx, err
	}
	fx.ClientID, fx.SessionToken = signup.ClientID, signup.Session.Token
	if err := c.do("POST", "/auth/signup", "", "", map[string]any{
		"email": fx.LoginEmail, "password": fx.LoginPassword,
	}, 201, nil); err != nil {
		return fx, err
	}
	session := "Bearer " + fx.SessionToken

	if err := c.do("PUT", "/admin/clients/"+fx.ClientID+"/verification", admin, "", map[string]any{
		"level": fx.Level, "status": fx.Status,
	}, 200, nil); err != nil {
		return fx, err
	}
	var account struct {
		AccountID string `json:"account_id"`
	}
	if err := c.do("POST", "/me/accounts", session, "", map[string]any{"kind": "live", "currency": "USD"}, 201, &account); err != nil {
		return fx, err
	}
	fx.AccountID = account.AccountID

	var audit struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := c.do("GET", "/admin/audit?section=general", admin, "", nil, 200, &audit); err != nil {
		return fx, err
	}
	if len(audit.Items) == 0 {
		return fx, fmt.Errorf("GET /admin/audit?section=general: no entry after a PUT")
	}
	fx.AuditID = audit.Items[0].ID

	// Two more sessions: one for DELETE /me/sessions/{id} to end, one for
	// /auth/refresh to rotate (a replayed refresh token ends its session).
	var spare [2]loginResult
	for i := range spare {
		if err := c.do("POST", "/auth/login", "", "", map[string]any{"email": fx.Email, "password": fx.Password}, 200, &spare[i]); err != nil {
			return fx, err
		}
	}
	id, _, ok := strings.Cut(spare[0].Session.Token, ".")
	if !ok {
		return fx, fmt.Errorf("POST /auth/login: a token that is not <session id>.<secret>")
	}
	fx.SpareSessionID, fx.SpareRefresh = id, spare[1].Session.RefreshToken

	var op struct {
		OperationToken string `json:"operation_token"`
	}
	if err := c.do("POST", "/me/tfa/challenges", session, "", map[string]any{"operation": fx.Operation}, 200, &op); err != nil {
		return fx, err
	}
	fx.OperationToken = op.OperationToken
	return fx, nil
}

type loginResult struct {
	Session struct {
		Token        string `json:"token"`
		RefreshToken string `json:"refresh_token"`
	} `json:"session"`
}

// logIn opens a new session of the client: a full one, or a tfa_setup one
// while mandatory 2FA covers login (the client has no phone).
func logIn(base string, fx fixtures) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		var login loginResult
		c := &apiClient{ctx: ctx, base: base}
		if err := c.do("POST", "/auth/login", "", "", map[string]any{"email": fx.Email, "password": fx.Password}, 200, &login); err != nil {
			return "", err
		}
		if login.Session.Token == "" {
			return "", errNoSession
		}
		return login.Session.Token, nil
	}
}

// writeRunConfig puts the Schemathesis settings and, next to them, the
// dictionaries they name into work.
func writeRunConfig(root, work string, fx fixtures) error {
	cfg, err := os.ReadFile(filepath.Join(root, "internal", "devtools", "contract", "schemathesis.toml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "schemathesis.toml"), cfg, 0o644); err != nil {
		return err
	}
	dicts := map[string][]string{
		"client_ids":       {fx.ClientID},
		"client_emails":    {fx.Email},
		"account_ids":      {fx.AccountID},
		"audit_ids":        {fx.AuditID},
		"session_ids":      {fx.SpareSessionID},
		"refresh_tokens":   {fx.SpareRefresh},
		"level_labels":     {fx.Level},
		"status_labels":    {fx.Status, "Init"},
		"operation_tokens": {fx.OperationToken},
		"operations":       {fx.Operation},
		"text_languages":   {"en"}, // the level's texts
		"login_emails":     {fx.LoginEmail},
		"login_passwords":  {fx.LoginPassword},
	}
	for name, values := range dicts {
		var b strings.Builder
		for _, v := range values {
			// The libFuzzer dictionary form: one quoted entry a line.
			b.WriteString(strconv.Quote(v) + "\n")
		}
		if err := os.WriteFile(filepath.Join(work, name+".dict"), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// apiClient calls the dev server.
type apiClient struct {
	ctx  context.Context
	base string
}

// do sends body as JSON (nil: none) with the Authorization and If-Match
// headers when given, and decodes the answer into out (when not nil)
// once its status is want.
func (c *apiClient) do(method, path, auth, ifMatch string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}
