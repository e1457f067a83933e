package faults_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"clientarea/internal/testsupport/faults"
)

// service is a stand-in endpoint that answers every request with success
// and counts the requests that reached it.
type service struct {
	URL  string
	hits atomic.Int32
}

func newService(t *testing.T, contentType, body string) *service {
	s := &service{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func config(p *faults.Plan) aws.Config {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}
	return faults.FastRetries(p.Apply(cfg))
}

func dynamoClient(p *faults.Plan, url string) *dynamodb.Client {
	return dynamodb.NewFromConfig(config(p), func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
}

func getItem(ctx context.Context, c *dynamodb.Client, pk string) error {
	_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: "X"}}})
	return err
}

// Each fault reaches the code as the SDK's own error for the service's
// answer, after the attempts the SDK's standard retryer makes (3), and
// none of the failed attempts reaches the endpoint.
func TestFaultsFailEveryAttemptTheRetryerMakes(t *testing.T) {
	cases := []struct {
		fault    faults.Kind
		attempts int
		check    func(error) bool
	}{
		{faults.Throttle, 3, func(err error) bool {
			var e *types.ProvisionedThroughputExceededException
			return errors.As(err, &e)
		}},
		{faults.ServerError, 3, func(err error) bool {
			var e *smithyhttp.ResponseError
			var api smithy.APIError
			return errors.As(err, &e) && e.HTTPStatusCode() == 500 && errors.As(err, &api) && api.ErrorCode() == "InternalServerError"
		}},
		{faults.Unavailable, 3, func(err error) bool {
			var e *smithyhttp.ResponseError
			return errors.As(err, &e) && e.HTTPStatusCode() == 503
		}},
		{faults.ConnectionReset, 3, func(err error) bool {
			var e *smithyhttp.RequestSendError
			return errors.As(err, &e)
		}},
		{faults.Timeout, 3, func(err error) bool {
			var e interface{ Timeout() bool }
			return errors.As(err, &e) && e.Timeout()
		}},
		{faults.ClientError, 1, func(err error) bool {
			var e *types.ConditionalCheckFailedException
			return errors.As(err, &e)
		}},
	}
	for _, c := range cases {
		t.Run(c.fault.String(), func(t *testing.T) {
			srv := newService(t, "application/x-amz-json-1.0", `{}`)
			p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Operation: "GetItem", Fault: c.fault, Code: codeOf(c.fault)})
			err := getItem(context.Background(), dynamoClient(p, srv.URL), "CONFIG")
			if err == nil || !c.check(err) {
				t.Fatalf("error %v", err)
			}
			var max *retry.MaxAttemptsError
			if retried := errors.As(err, &max); retried != (c.attempts > 1) {
				t.Fatalf("retries exhausted %v, want %v: %v", retried, c.attempts > 1, err)
			}
			if a := p.Attempts(faults.DynamoDB, "GetItem"); a != c.attempts || p.Injected(faults.DynamoDB, "GetItem") != a ||
				p.Calls(faults.DynamoDB, "GetItem") != 1 {
				t.Fatalf("%d attempts (%d failed) in %d calls, want %d in 1", a, p.Injected(faults.DynamoDB, "GetItem"),
					p.Calls(faults.DynamoDB, "GetItem"), c.attempts)
			}
			if n := srv.hits.Load(); n != 0 {
				t.Fatalf("%d requests reached the endpoint", n)
			}
		})
	}
}

func codeOf(k faults.Kind) string {
	if k == faults.ClientError {
		return "ConditionalCheckFailedException"
	}
	return ""
}

// A fault of the first attempt only is absorbed by the SDK's retry.
func TestATransientFaultIsRetriedAway(t *testing.T) {
	for _, k := range []faults.Kind{faults.Throttle, faults.ServerError, faults.ConnectionReset, faults.Timeout} {
		srv := newService(t, "application/x-amz-json-1.0", `{}`)
		p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Fault: k, Attempts: 1})
		if err := getItem(context.Background(), dynamoClient(p, srv.URL), "CONFIG"); err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		if p.Attempts(faults.DynamoDB, "GetItem") != 2 || srv.hits.Load() != 1 {
			t.Fatalf("%v: %d attempts, %d reached the endpoint", k, p.Attempts(faults.DynamoDB, "GetItem"), srv.hits.Load())
		}
	}
}

// AfterSend lets the request through and loses its answer: the endpoint
// sees every attempt.
func TestAfterSendReachesTheService(t *testing.T) {
	srv := newService(t, "application/x-amz-json-1.0", `{}`)
	p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Fault: faults.ServerError, AfterSend: true})
	if err := getItem(context.Background(), dynamoClient(p, srv.URL), "CONFIG"); err == nil {
		t.Fatal("no error")
	}
	if srv.hits.Load() != 3 || p.Attempts(faults.DynamoDB, "GetItem") != 3 {
		t.Fatalf("%d requests reached the endpoint in %d attempts, want 3", srv.hits.Load(), p.Attempts(faults.DynamoDB, "GetItem"))
	}
}

// Hang ends with the context's deadline, as the SDK's HTTP handler does,
// and the SDK does not retry past it.
func TestHangEndsWithTheDeadline(t *testing.T) {
	srv := newService(t, "application/x-amz-json-1.0", `{}`)
	p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Fault: faults.Hang})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := getItem(ctx, dynamoClient(p, srv.URL), "CONFIG")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Fatalf("returned after %v", d)
	}
	if p.Attempts(faults.DynamoDB, "GetItem") != 1 || srv.hits.Load() != 0 {
		t.Fatalf("%d attempts", p.Attempts(faults.DynamoDB, "GetItem"))
	}
}

// Rules pick calls by operation, key prefix and call number.
func TestRulesPickTheirCalls(t *testing.T) {
	srv := newService(t, "application/x-amz-json-1.0", `{}`)
	p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Operation: "GetItem", Key: "OTP#", Fault: faults.Throttle, Skip: 1, Calls: 1})
	c := dynamoClient(p, srv.URL)
	ctx := context.Background()
	for i, want := range []bool{false, false, true, false} {
		pk := "OTP#1"
		if i == 1 {
			pk = "CONFIG" // no match: does not count
		}
		if err := getItem(ctx, c, pk); (err != nil) != want {
			t.Fatalf("call %d (%s): error %v, want failure %v", i, pk, err, want)
		}
	}
	p.Reset()
	if err := getItem(ctx, c, "OTP#1"); err != nil || p.Calls(faults.DynamoDB, "GetItem") != 1 {
		t.Fatalf("after Reset: %v, %d calls", err, p.Calls(faults.DynamoDB, "GetItem"))
	}
}

// A throttled transaction is cancelled with ThrottlingError on the item
// the rule names, which the SDK does not retry.
func TestTransactionThrottled(t *testing.T) {
	srv := newService(t, "application/x-amz-json-1.0", `{}`)
	p := faults.New().Add(faults.Rule{Service: faults.DynamoDB, Key: "OTP#", Fault: faults.TransactionThrottled})
	put := func(pk string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: "X"}}}}
	}
	_, err := dynamoClient(p, srv.URL).TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{
		TransactItems: []types.TransactWriteItem{put("RATE#1"), put("OTP#1"), put("CLIENT#1")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 3 || aws.ToString(tce.CancellationReasons[1].Code) != "ThrottlingError" ||
		aws.ToString(tce.CancellationReasons[0].Code) != "None" {
		t.Fatalf("error %v", err)
	}
	if p.Attempts(faults.DynamoDB, "TransactWriteItems") != 1 {
		t.Fatalf("%d attempts", p.Attempts(faults.DynamoDB, "TransactWriteItems"))
	}
}

// SNS answers a throttled Publish with Throttling, which the SDK's
// standard retryer retries.
func TestSNSThrottling(t *testing.T) {
	srv := newService(t, "text/xml", `<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>`)
	p := faults.New().Add(faults.Rule{Service: faults.SNS, Operation: "Publish", Fault: faults.Throttle})
	c := sns.NewFromConfig(config(p), func(o *sns.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	in := &sns.PublishInput{PhoneNumber: aws.String("+4915112345678"), Message: aws.String("hi")}
	_, err := c.Publish(context.Background(), in)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "Throttling" || p.Attempts(faults.SNS, "Publish") != 3 || srv.hits.Load() != 0 {
		t.Fatalf("error %v after %d attempts", err, p.Attempts(faults.SNS, "Publish"))
	}
	p.Reset()
	if _, err := c.Publish(context.Background(), in); err != nil || srv.hits.Load() != 1 {
		t.Fatalf("without faults: %v", err)
	}
}
