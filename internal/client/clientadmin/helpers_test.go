package clientadmin_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
)

// world is one client-administration test: a fresh table, the auth, me
// and clients functions (behind the session authorizer where deployed so),
// and admin clients of the clients and verification functions.
type world struct {
	t      *testing.T
	env    *apptest.Env
	auth   http.Handler
	me     http.Handler
	admin  *apptest.Client // the clients function
	config *apptest.Client // the verification function
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := apptest.New(t)
	return &world{t: t, env: env, auth: env.Handler("auth"), me: env.Handler("me"),
		admin: env.Admin("clients"), config: env.Admin("verification")}
}

const password = "correct horse battery staple"

// signup signs email up (no confirmation asked) and returns its client id
// and session token.
func (w *world) signup(email string) (id, token string) {
	w.t.Helper()
	a := apptest.Do(w.t, w.auth, apptest.Request{Method: "POST", Path: "/auth/signup",
		Body: map[string]any{"email": email, "password": password}}).Expect(w.t, 201).Map(w.t)
	return a["client_id"].(string), a["session"].(map[string]any)["token"].(string)
}

func (w *world) level(label string) {
	w.t.Helper()
	w.config.Do("POST", "/admin/verification-levels", map[string]any{"label": label, "type": "personal"}, "").Expect(w.t, 201)
}

func (w *world) status(label string) {
	w.t.Helper()
	w.config.Do("POST", "/admin/statuses", map[string]any{"label": label, "text": map[string]string{"en": label}}, "").Expect(w.t, 201)
}

func (w *world) setVerification(id string, body any) *apptest.Response {
	w.t.Helper()
	return w.admin.Do("PUT", "/admin/clients/"+id+"/verification", body, "")
}

// holders is the holders count stored on the level or status item at key.
func (w *world) holders(key dynamo.Key) int {
	w.t.Helper()
	out, err := w.env.Deps.Table.DB.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(w.env.Deps.Table.Name), Key: key.KeyAttrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		w.t.Fatal(err)
	}
	n, ok := out.Item["holders"].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}
