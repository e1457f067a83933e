package accounts_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/dynamo"
)

// Reading one account and activating one read the profile and the account
// together; the answers are those of reading them one after the other: a
// client that is gone is answered before an account that is missing, and
// each with its own problem.
func TestOneAccountAnswersWhateverIsMissing(t *testing.T) {
	w := newWorld(t)
	w.general(map[string]any{"activate_account_on_create": false})
	ann, bob := w.signup("ann@example.com"), w.signup("bob@example.com")
	a := ann.opened("live", "USD")
	b := bob.opened("live", "EUR")
	unknown := strings.Repeat("0", 32)
	detail := func(problem map[string]any, want string) {
		t.Helper()
		if problem["detail"] != want {
			t.Fatalf("detail %q, want %q", problem["detail"], want)
		}
	}
	const noAccount, noClient = "the client has no such account", "there is no such client"

	// The client's own account, as opened; another's, or none, is 404.
	if got := decodeAccount(t, ann.do("GET", "/me/accounts/"+a.ID, nil).Expect(t, 200)); got != a {
		t.Fatalf("read %+v, opened %+v", got, a)
	}
	detail(ann.do("GET", "/me/accounts/"+b.ID, nil).ExpectProblem(t, 404, "not_found"), noAccount)
	detail(ann.do("GET", "/me/accounts/"+unknown, nil).ExpectProblem(t, 404, "not_found"), noAccount)
	detail(ann.do("GET", "/me/accounts/NOPE", nil).ExpectProblem(t, 404, "not_found"), noAccount)

	// The back office: an unknown or malformed client first, then the account.
	detail(w.activate(unknown, a.ID).ExpectProblem(t, 404, "not_found"), noClient)
	detail(w.activate(unknown, "nope").ExpectProblem(t, 404, "not_found"), noClient)
	detail(w.activate("ACCOUNT%23x", a.ID).ExpectProblem(t, 404, "not_found"), noClient)
	detail(w.activate(ann.id, unknown).ExpectProblem(t, 404, "not_found"), noAccount)
	detail(w.activate(ann.id, "nope").ExpectProblem(t, 404, "not_found"), noAccount)
	detail(w.activate(ann.id, b.ID).ExpectProblem(t, 404, "not_found"), noAccount)
	activated := decodeAccount(t, w.activate(ann.id, a.ID).Expect(t, 200))
	if activated.Status != "active" || activated.ID != a.ID {
		t.Fatalf("activated %+v", activated)
	}
	w.activate(ann.id, a.ID).ExpectProblem(t, 409, "account_not_pending")
	if got := decodeAccount(t, ann.do("GET", "/me/accounts/"+a.ID, nil).Expect(t, 200)); !reflect.DeepEqual(got, activated) {
		t.Fatalf("read %+v, activated %+v", got, activated)
	}

	// Ann's client is deleted while her session lives: her reads are 401,
	// whatever the account; the back office finds no such client.
	_, err := w.env.Deps.Table.DB.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{
		TableName: aws.String(w.env.Deps.Table.Name), Key: dynamo.ClientKey(ann.id).KeyAttrs()})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{a.ID, unknown, "nope"} {
		ann.do("GET", "/me/accounts/"+id, nil).ExpectProblem(t, 401, "unauthenticated")
	}
	detail(w.activate(ann.id, a.ID).ExpectProblem(t, 404, "not_found"), noClient)
	// Bob is untouched.
	if got := decodeAccount(t, bob.do("GET", "/me/accounts/"+b.ID, nil).Expect(t, 200)); got != b {
		t.Fatalf("bob reads %+v, opened %+v", got, b)
	}
}
