package callcount_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/callcount"
)

// A call the SDK retried is one call of two attempts; a call that failed
// every attempt is recorded as failed.
func TestRetriesAreOneCallOfSeveralAttempts(t *testing.T) {
	var served atomic.Int32
	fail := atomic.Bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if served.Add(1) == 1 || fail.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"try again"}`))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	cfg, err := awsclients.Load(context.Background(), config.Config{Region: "us-east-1", DynamoDBEndpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	// Three attempts, the SDK's default, without waiting in between.
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	rec := callcount.New(false)
	db := dynamo.NewClient(rec.Instrument(cfg, "fn"), srv.URL)
	in := &dynamodb.GetItemInput{TableName: aws.String("t"), Key: dynamo.Key{PK: "P", SK: "S"}.KeyAttrs()}
	if _, err := db.GetItem(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	if _, err := db.GetItem(context.Background(), in); err == nil {
		t.Fatal("no error from a server that always fails")
	}
	calls := rec.Take()
	if len(calls) != 2 {
		t.Fatalf("%d calls recorded, want 2", len(calls))
	}
	if c := calls[0]; c.Attempts != 2 || c.Failed || c.Name() != "dynamodb:GetItem" || c.Partitions[0] != "P" || c.Returned != 0 {
		t.Errorf("the retried call: %s, %d attempts, failed %v, %d returned", c, c.Attempts, c.Failed, c.Returned)
	}
	if c := calls[1]; c.Attempts != 3 || !c.Failed {
		t.Errorf("the failed call: %d attempts, failed %v", c.Attempts, c.Failed)
	}
}
