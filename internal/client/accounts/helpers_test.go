package accounts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/accounts"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/kit"
	"clientarea/internal/client/settings"
	"clientarea/internal/messaging"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
)

// world is one accounts test: a fresh table, the auth function (to sign
// clients up and confirm them), the accounts function (with the session
// authorizer in front of /me, as deployed), and admins of the accounts and
// verification functions.
type world struct {
	t            *testing.T
	env          *apptest.Env
	auth, acc    http.Handler
	admin        *apptest.Client // the accounts function's back-office routes
	verification *apptest.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return worldOf(t, apptest.New(t))
}

// worldOf builds the world's handlers from env, as it is configured now.
func worldOf(t *testing.T, env *apptest.Env) *world {
	t.Helper()
	return &world{t: t, env: env, auth: env.Handler("auth"), acc: env.Handler("accounts"),
		admin: env.Admin("accounts"), verification: env.Admin("verification")}
}

// client is one signed-in client.
type client struct {
	w                *world
	id, token, email string
}

const strongPassword = "correct horse battery staple"

// signup signs email up and returns the client.
func (w *world) signup(email string) *client {
	w.t.Helper()
	a := apptest.Do(w.t, w.auth, apptest.Request{Method: "POST", Path: "/auth/signup",
		Body: map[string]any{"email": email, "password": strongPassword}}).Expect(w.t, 201).Map(w.t)
	s := a["session"].(map[string]any)
	return &client{w: w, id: a["client_id"].(string), token: s["token"].(string), email: email}
}

func (c *client) do(method, path string, body any) *apptest.Response {
	c.w.t.Helper()
	return apptest.Do(c.w.t, c.w.acc, apptest.Request{Method: method, Path: path, Body: body, Token: c.token})
}

// open asks to open an account of kind in currency.
func (c *client) open(kind, currency string) *apptest.Response {
	c.w.t.Helper()
	return c.do("POST", "/me/accounts", map[string]any{"kind": kind, "currency": currency})
}

// account is an account as the routes answer it.
type account struct {
	ID          string  `json:"account_id"`
	Kind        string  `json:"kind"`
	Currency    string  `json:"currency"`
	Status      string  `json:"status"`
	Balance     string  `json:"balance"`
	CreatedAt   string  `json:"created_at"`
	ActivatedAt *string `json:"activated_at"`
	OpenedBy    string  `json:"opened_by"`
}

func decodeAccount(t *testing.T, r *apptest.Response) account {
	t.Helper()
	var a account
	r.Decode(t, &a)
	if a.ID == "" {
		t.Fatalf("no account in %s", r.Body)
	}
	return a
}

// opened opens an account that must open, and returns it.
func (c *client) opened(kind, currency string) account {
	c.w.t.Helper()
	return decodeAccount(c.w.t, c.open(kind, currency).Expect(c.w.t, 201))
}

// list is the client's GET /me/accounts.
func (c *client) list() []account {
	c.w.t.Helper()
	return decodeList(c.w.t, c.do("GET", "/me/accounts", nil).Expect(c.w.t, 200))
}

func decodeList(t *testing.T, r *apptest.Response) []account {
	t.Helper()
	var l struct {
		Items []account `json:"items"`
	}
	r.Decode(t, &l)
	if l.Items == nil {
		t.Fatalf("no items in %s", r.Body)
	}
	return l.Items
}

// adminList is the back office's list of client id's accounts.
func (w *world) adminList(id string) []account {
	w.t.Helper()
	return decodeList(w.t, w.admin.Get("/admin/clients/"+id+"/accounts").Expect(w.t, 200))
}

// activate is the back office's activation of a client's account.
func (w *world) activate(clientID, accountID string) *apptest.Response {
	w.t.Helper()
	return w.admin.Do("POST", "/admin/clients/"+clientID+"/accounts/"+accountID+"/activate", nil, "")
}

// setProfile writes attributes of client id's profile directly (its level
// and status: the back office's route for them is another function's).
func (w *world) setProfile(id string, attrs map[string]string) {
	w.t.Helper()
	names, values, set := map[string]string{}, map[string]types.AttributeValue{}, ""
	for k, v := range attrs {
		if set != "" {
			set += ", "
		}
		set += "#" + k + " = :" + k
		names["#"+k], values[":"+k] = k, dynamo.S(v)
	}
	_, err := w.env.Deps.Table.DB.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(w.env.Deps.Table.Name), Key: dynamo.ClientKey(id).KeyAttrs(),
		UpdateExpression: aws.String("SET " + set), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// profile reads client id's profile.
func (w *world) profile(id string) clients.Client {
	w.t.Helper()
	c, err := clients.Store{Table: w.env.Deps.Table, Clock: w.env.Clock}.Get(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// counters fails the test unless client id's profile counts total
// accounts, live of them live, and its partition holds as many.
func (w *world) counters(id string, total, live int) {
	w.t.Helper()
	p := w.profile(id)
	list := w.adminList(id)
	lives := 0
	for _, a := range list {
		if a.Kind == "live" {
			lives++
		}
	}
	if p.AccountCount != int64(total) || p.LiveAccounts != int64(live) || len(list) != total || lives != live {
		w.t.Fatalf("profile counts %d accounts (%d live), the partition holds %d (%d live); want %d (%d live)",
			p.AccountCount, p.LiveAccounts, len(list), lives, total, live)
	}
}

// opener is an Opener on the test's own Deps, as another function's flow
// would build it from its kit.
func (w *world) opener() accounts.Opener {
	k := kit.New(w.env.Deps, nil)
	return accounts.NewOpener(k.Table, k.Clock, k.Notify)
}

// settings is the configuration as a request would read it now.
func (w *world) settings() settings.Settings {
	w.t.Helper()
	cfg, err := settings.Load(context.Background(), w.env.Deps.Table)
	if err != nil {
		w.t.Fatal(err)
	}
	return cfg
}

// letter is an activation letter as published.
type letter struct {
	Kind     string            `json:"kind"`
	ClientID string            `json:"client_id"`
	Email    string            `json:"email"`
	Language string            `json:"language"`
	Data     map[string]string `json:"data"`
}

// letters are the activation letters in the outbox to email, newest first.
func (w *world) letters(email string) []letter {
	w.t.Helper()
	var out []letter
	for _, m := range w.env.Deps.Outbox.List() {
		if m.Channel != "email" || m.To != email || m.Kind != messaging.KindActivationLetter {
			continue
		}
		var l letter
		if err := json.Unmarshal([]byte(m.Message), &l); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// configure saves a section through the function that serves it.
func (w *world) configure(fn, section string, body any) {
	w.t.Helper()
	w.env.Configure(fn, section, body)
}

func (w *world) general(clientsBlock map[string]any) {
	w.t.Helper()
	w.configure("general", "general", map[string]any{"clients": clientsBlock})
}
