package awsclients_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/translate"

	"clientarea/internal/platform/awsclients"
	"clientarea/internal/testsupport/faults"
)

// endpoint answers every request with success, counting them.
func endpoint(t *testing.T, hits *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("X-Amz-Target") == "" { // SNS, the query protocol
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte(`<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>`))
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// calls makes one call of each service the functions use, through p.
func calls(t *testing.T, p *faults.Plan) map[string]func(context.Context) error {
	var hits atomic.Int32
	url := endpoint(t, &hits)
	cfg := faults.FastRetries(p.Apply(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}))
	ddb := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
	pub := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(url) })
	tr := translate.NewFromConfig(cfg, func(o *translate.Options) { o.BaseEndpoint = aws.String(url) })
	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(url) })
	return map[string]func(context.Context) error{
		faults.DynamoDB: func(ctx context.Context) error {
			_, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "CONFIG"}, "SK": &types.AttributeValueMemberS{Value: "X"}}})
			return err
		},
		faults.SNS: func(ctx context.Context) error {
			_, err := pub.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:1:t"), Message: aws.String("m")})
			return err
		},
		faults.Translate: func(ctx context.Context) error {
			_, err := tr.TranslateText(ctx, &translate.TranslateTextInput{Text: aws.String("Hallo"),
				SourceLanguageCode: aws.String("de"), TargetLanguageCode: aws.String("en")})
			return err
		},
		faults.SecretsManager: func(ctx context.Context) error {
			_, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("otp-key")})
			return err
		},
	}
}

// Every way an AWS service can fail for now, as the SDK reports it after
// its retries, is unavailable; throttling asks for a longer wait.
func TestServiceFailuresAreUnavailable(t *testing.T) {
	for _, k := range []faults.Kind{faults.Throttle, faults.ServerError, faults.Unavailable, faults.ConnectionReset, faults.Timeout, faults.Hang} {
		p := faults.New()
		for service, call := range calls(t, p) {
			p.Reset()
			p.Add(faults.Rule{Service: service, Fault: k})
			ctx, cancel := context.WithCancel(context.Background())
			if k == faults.Hang {
				ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
			}
			err := call(ctx)
			cancel()
			wait, ok := awsclients.Unavailable(fmt.Errorf("wrapped: %w", err))
			want := awsclients.UnavailableRetryAfter
			if k == faults.Throttle {
				want = awsclients.ThrottledRetryAfter
			}
			if err == nil || !ok || wait != want {
				t.Errorf("%s %v: Unavailable(%v) = %v, %v; want %v, true", service, k, err, wait, ok, want)
			}
		}
	}
}

// A throttled transaction (DynamoDB cancels it with ThrottlingError, which
// the SDK does not retry) is throttling, a conflict-only one unavailable;
// one with a failed condition is the caller's business.
func TestCancelledTransactions(t *testing.T) {
	p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Fault: faults.TransactionThrottled})
	var hits atomic.Int32
	url := endpoint(t, &hits)
	cfg := faults.FastRetries(p.Apply(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}))
	ddb := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
	_, err := ddb.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "A"}}}},
	}})
	if wait, ok := awsclients.Unavailable(err); !ok || wait != awsclients.ThrottledRetryAfter {
		t.Fatalf("throttled transaction %v: %v, %v", err, wait, ok)
	}
	reasons := func(codes ...string) error {
		e := &types.TransactionCanceledException{Message: aws.String("Transaction cancelled")}
		for _, c := range codes {
			e.CancellationReasons = append(e.CancellationReasons, types.CancellationReason{Code: aws.String(c)})
		}
		return fmt.Errorf("commit: %w", e)
	}
	cases := []struct {
		err  error
		want bool
	}{
		{reasons("None", "TransactionConflict"), true},
		{reasons("ThrottlingError", "TransactionConflict"), true},
		{reasons("ConditionalCheckFailed", "ThrottlingError"), false},
		{reasons("ValidationError"), false},
		{reasons("None"), false},
		{&types.TransactionCanceledException{Message: aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]")}, true},
	}
	for _, c := range cases {
		if _, ok := awsclients.Unavailable(c.err); ok != c.want {
			t.Errorf("Unavailable(%v) = %v, want %v", c.err, ok, c.want)
		}
	}
}

// What the caller did wrong, and bugs, are not unavailability.
func TestOtherFailuresAreNot(t *testing.T) {
	for _, code := range []string{"ConditionalCheckFailedException", "ValidationException", "ResourceNotFoundException", "AccessDeniedException"} {
		p := faults.New()
		for service, call := range calls(t, p) {
			p.Reset()
			p.Add(faults.Rule{Service: service, Fault: faults.ClientError, Code: code})
			err := call(context.Background())
			if _, ok := awsclients.Unavailable(err); err == nil || ok {
				t.Errorf("%s %s: Unavailable(%v) = %v", service, code, err, ok)
			}
		}
	}
	for _, err := range []error{nil, errors.New("boom"), fmt.Errorf("decode: %w", errors.New("bad item"))} {
		if _, ok := awsclients.Unavailable(err); ok {
			t.Errorf("Unavailable(%v)", err)
		}
	}
	if _, ok := awsclients.Unavailable(fmt.Errorf("retry: %w", ratelimit.QuotaExceededError{Available: 0, Requested: 5})); !ok {
		t.Error("an exhausted retry quota is not unavailable")
	}
}

// RetryUnsentOnly retries what the service refused (throttling) and what
// never left, never what it may have done: an SMS is sent at most once.
func TestRetryUnsentOnly(t *testing.T) {
	cases := []struct {
		fault    faults.Kind
		attempts int
	}{
		{faults.Throttle, 3},
		{faults.ServerError, 1},
		{faults.Unavailable, 1},
		{faults.ConnectionReset, 1},
		{faults.Timeout, 1},
	}
	for _, c := range cases {
		var hits atomic.Int32
		url := endpoint(t, &hits)
		p := faults.New().Add(faults.Rule{Service: faults.SNS, Fault: c.fault, AfterSend: c.fault != faults.Throttle})
		cfg := faults.FastRetries(p.Apply(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}))
		pub := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(url) })
		_, err := pub.Publish(context.Background(), &sns.PublishInput{PhoneNumber: aws.String("+4915112345678"), Message: aws.String("m")},
			func(o *sns.Options) { o.Retryer = awsclients.RetryUnsentOnly(o.Retryer) })
		if err == nil || p.Attempts(faults.SNS, "Publish") != c.attempts {
			t.Errorf("%v: %v after %d attempts, want %d", c.fault, err, p.Attempts(faults.SNS, "Publish"), c.attempts)
		}
		if c.fault != faults.Throttle && hits.Load() != 1 {
			t.Errorf("%v: the message went out %d times", c.fault, hits.Load())
		}
	}
	// A transient throttle is absorbed.
	var hits atomic.Int32
	url := endpoint(t, &hits)
	p := faults.New().Add(faults.Rule{Service: faults.SNS, Fault: faults.Throttle, Attempts: 1})
	cfg := faults.FastRetries(p.Apply(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}))
	pub := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(url) })
	_, err := pub.Publish(context.Background(), &sns.PublishInput{PhoneNumber: aws.String("+4915112345678"), Message: aws.String("m")},
		func(o *sns.Options) { o.Retryer = awsclients.RetryUnsentOnly(o.Retryer) })
	if err != nil || hits.Load() != 1 || p.Attempts(faults.SNS, "Publish") != 2 {
		t.Fatalf("%v, %d sent in %d attempts", err, hits.Load(), p.Attempts(faults.SNS, "Publish"))
	}
}

// HalfTime leaves the caller half of what its context had left.
func TestHalfTime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	outer, _ := ctx.Deadline()
	half, stop := awsclients.HalfTime(ctx)
	defer stop()
	inner, ok := half.Deadline()
	if left := time.Until(inner); !ok || left > time.Second || left < 900*time.Millisecond || !inner.Before(outer) {
		t.Fatalf("half the time is %v (of %v)", time.Until(inner), time.Until(outer))
	}
	none, stop2 := awsclients.HalfTime(context.Background())
	defer stop2()
	if _, ok := none.Deadline(); ok {
		t.Fatal("a deadline out of none")
	}
}
