// Package dbtest gives integration tests a fresh table on DynamoDB Local.
//
// `make test` starts DynamoDB Local and sets DYNAMODB_ENDPOINT and
// CLIENTAREA_REQUIRE_DYNAMODB=1, so the integration tests always run there and
// fail if the database is missing. A plain `go test ./...` without an
// endpoint skips them, saying why.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
)

var (
	once   sync.Once
	client *dynamodb.Client
	tpl    *samtemplate.Template
	setup  error
)

// Client returns a DynamoDB client for $DYNAMODB_ENDPOINT, or skips/fails t.
func Client(t testing.TB) *dynamodb.Client {
	t.Helper()
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CLIENTAREA_REQUIRE_DYNAMODB") == "1" {
			t.Fatal("DYNAMODB_ENDPOINT is not set but integration tests are required")
		}
		t.Skip("integration test: needs DynamoDB Local (run `make test`, or set DYNAMODB_ENDPOINT)")
	}
	once.Do(func() {
		cfg := config.Config{Region: "us-east-1", DynamoDBEndpoint: endpoint}
		awsCfg, err := awsclients.Load(context.Background(), cfg)
		if err != nil {
			setup = err
			return
		}
		client = dynamo.NewClient(awsCfg, endpoint)
		tpl, setup = samtemplate.Find()
	})
	if setup != nil {
		t.Fatalf("integration test set-up: %v", setup)
	}
	return client
}

// Table creates a uniquely named table from template.yaml's definition and
// drops it when the test ends.
func Table(t testing.TB) dynamo.Table {
	t.Helper()
	db := Client(t)
	name := "test-" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := dynamolocal.CreateTable(ctx, db, name, tpl.Table); err != nil {
		t.Fatalf("create test table: %v", err)
	}
	t.Cleanup(func() { _ = dynamolocal.DeleteTable(context.Background(), db, name) })
	return dynamo.Table{DB: db, Name: name}
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
