package auth_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/latency"
)

// BenchmarkLogin is a password login through the auth function's handler
// (argon2id included) against DynamoDB Local, next to a bare GetItem on
// the same table; each reports its median and 99th percentile.
//
//	make bench   (or: go run ./internal/devtools/testenv -- go test -run '^$' -bench Login ./internal/client/auth/)
func BenchmarkLogin(b *testing.B) {
	env := apptest.New(b)
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the 401s would log a line each
	h := env.Handler("auth")
	body := map[string]any{"email": ann, "password": strongPassword}
	apptest.Do(b, h, apptest.Request{Method: http.MethodPost, Path: "/auth/signup", Body: body}).Expect(b, 201)
	login := func() {
		apptest.Do(b, h, apptest.Request{Method: http.MethodPost, Path: "/auth/login", Body: body}).Expect(b, 200)
		env.Clock.Advance(time.Hour) // keep the per-address login limit out of the way
	}
	unknown := map[string]any{"email": "nobody@example.com", "password": strongPassword}
	b.Run("password", func(b *testing.B) { latency.Measure(b, login) })
	// A wrong password and an unknown address cost the same: the
	// unknown address spends a dummy hash.
	failing := func(body map[string]any) func() {
		return func() {
			apptest.Do(b, h, apptest.Request{Method: http.MethodPost, Path: "/auth/login", Body: body}).Expect(b, 401)
			env.Clock.Advance(time.Hour) // keep the lockout and the login limit out of the way
		}
	}
	wrong := map[string]any{"email": ann, "password": "not the password"}
	b.Run("wrong_password", func(b *testing.B) { latency.Measure(b, failing(wrong)) })
	b.Run("unknown_email", func(b *testing.B) { latency.Measure(b, failing(unknown)) })
	b.Run("bare_getitem", func(b *testing.B) {
		in := &dynamodb.GetItemInput{TableName: aws.String(env.Deps.Table.Name),
			Key: dynamo.ClientKey("x").KeyAttrs(), ConsistentRead: aws.Bool(true)}
		latency.Measure(b, func() {
			if _, err := env.Deps.Table.DB.GetItem(b.Context(), in); err != nil {
				b.Fatal(err)
			}
		})
	})
}
