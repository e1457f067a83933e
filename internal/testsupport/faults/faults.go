// Package faults makes AWS calls fail on purpose, inside the real SDK, so
// that a test sees what the service does when DynamoDB, SNS, Translate or
// Secrets Manager is throttled, answers 5xx, drops the connection or never
// answers. No network is involved: a Plan is two middlewares in the SDK
// configuration the code builds its clients from (Apply), the way apptest
// records every call for the IAM check.
//
//   - In the Initialize step (once per call, before the SDK's retry loop)
//     the plan decides whether this call of this service and operation (and
//     key) fails, and counts the call.
//   - In the Deserialize step, innermost, right where the HTTP client would
//     send the request, it counts each attempt the SDK's retryer makes and,
//     for a failing call, answers in the transport's place: with the HTTP
//     response the service sends for that failure (its status, its
//     protocol's error body, so that the SDK builds its own typed error
//     from it), or with the error the SDK's HTTP handler returns when a
//     connection drops, times out or the context ends first.
//
// So the SDK's own retryer really runs: it retries what it considers
// retryable, backs off, gives up after its maximum attempts, and the code
// under test gets exactly the error it would get in AWS. Attempts and
// Calls count what really happened, retries included.
//
// The SDK's backoff between attempts is up to seconds; FastRetries keeps
// the SDK's standard retryer (its attempts, retryable errors and retry
// quota) with the waits shortened, so that a test of "fails after the
// retries" takes milliseconds.
package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/translate"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The SDK service ids of the services the functions call.
const (
	DynamoDB       = "DynamoDB"
	SNS            = "SNS"
	Translate      = "Translate"
	SecretsManager = "Secrets Manager"
)

// Kind is what goes wrong.
type Kind int

const (
	// Throttle answers the service's throttling error (HTTP 400):
	// DynamoDB ProvisionedThroughputExceededException, SNS Throttling
	// ("Rate exceeded", the common error of query APIs: SNS's Throttled
	// is not an error Publish answers), Translate
	// TooManyRequestsException, Secrets Manager ThrottlingException.
	Throttle Kind = iota + 1
	// ServerError answers HTTP 500 with the service's internal error.
	ServerError
	// Unavailable answers HTTP 503 ServiceUnavailable.
	Unavailable
	// TransactionThrottled answers a DynamoDB TransactWriteItems with
	// TransactionCanceledException whose reasons name ThrottlingError for
	// one item (the first whose key matches the rule's Key): how DynamoDB
	// refuses a transaction on a throttled item. The SDK does not retry it.
	TransactionThrottled
	// ConnectionReset fails the attempt as a connection reset by the peer
	// before the answer: a connection error the SDK retries.
	ConnectionReset
	// Timeout fails the attempt as a connection that timed out (ETIMEDOUT
	// while reading the answer): a timeout the SDK retries.
	Timeout
	// ClientError answers HTTP 400 with the rule's Code (required): any
	// other error the service may answer, such as a failed condition.
	ClientError
	// Hang never answers: the attempt ends when the call's context does
	// (its deadline), as the SDK's HTTP handler ends it. Without a deadline
	// it gives up after MaxHang, failing like Timeout, so that a test
	// without one cannot hang.
	Hang
)

func (k Kind) String() string {
	switch k {
	case Throttle:
		return "throttle"
	case ServerError:
		return "500"
	case Unavailable:
		return "503"
	case TransactionThrottled:
		return "transaction throttled"
	case ConnectionReset:
		return "connection reset"
	case Timeout:
		return "timeout"
	case ClientError:
		return "client error"
	case Hang:
		return "hang"
	}
	return "kind " + strconv.Itoa(int(k))
}

// MaxHang bounds a Hang whose context has no deadline.
const MaxHang = 5 * time.Second

// Rule is one fault: which calls fail, how, and for how many attempts.
type Rule struct {
	Service   string // SDK service id: DynamoDB, SNS, Translate, Secrets Manager
	Operation string // "TransactWriteItems", "Publish"...; "" any
	// Key, unless empty, is a prefix one of the call's keys (Keys) must
	// have: "OTP#" fails only the DynamoDB calls that touch a challenge.
	Key   string
	Fault Kind
	Code  string // the error code to answer instead of the service's usual one for Fault
	// Skip lets that many matching calls through before the first
	// failure; Calls is how many matching calls fail after those (0:
	// every one that follows).
	Skip, Calls int
	// Attempts is how many attempts of a failing call fail: 0 all of them,
	// so that the call fails after the SDK's retries; 1 only the first,
	// which a retry absorbs when the SDK retries that failure.
	Attempts int
	// AfterSend lets the request reach the service first and loses only
	// its answer: the service acted (a transaction committed, an SMS went
	// out) but the caller sees the failure.
	AfterSend bool
}

func (r Rule) String() string {
	s := r.Service
	if r.Operation != "" {
		s += "." + r.Operation
	}
	if r.Key != "" {
		s += "[" + r.Key + "*]"
	}
	s += ": " + r.Fault.String()
	if r.AfterSend {
		s += " after send"
	}
	return s
}

// Plan holds the rules and what happened. Its zero value is not usable:
// New.
type Plan struct {
	id       string
	mu       sync.Mutex
	rules    []*rule
	calls    map[string]int
	attempts map[string]int
	injected map[string]int
}

type rule struct {
	Rule
	seen int // matching calls so far
}

var plans struct {
	sync.Mutex
	n int
}

// New returns a plan without rules: every call goes through, counted.
func New() *Plan {
	plans.Lock()
	plans.n++
	n := plans.n
	plans.Unlock()
	return &Plan{id: "faults." + strconv.Itoa(n), calls: map[string]int{}, attempts: map[string]int{}, injected: map[string]int{}}
}

// Add adds a rule. A call fails by the first rule it matches that has
// failures left.
func (p *Plan) Add(r Rule) *Plan {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, &rule{Rule: r})
	return p
}

// Reset removes every rule and zeroes the counts.
func (p *Plan) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
	clear(p.calls)
	clear(p.attempts)
	clear(p.injected)
}

func opKey(service, op string) string { return service + "." + op }

// Calls is how many calls of service's operation were made (a call and its
// retries are one call).
func (p *Plan) Calls(service, op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[opKey(service, op)]
}

// Attempts is how many attempts of service's operation the SDK made,
// retries included, failed or not.
func (p *Plan) Attempts(service, op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.attempts[opKey(service, op)]
}

// Injected is how many attempts of service's operation this plan failed.
func (p *Plan) Injected(service, op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.injected[opKey(service, op)]
}

// Apply returns a copy of cfg whose clients go through p. Applied again
// (to a copy of a configuration that already has it) it adds nothing.
func (p *Plan) Apply(cfg aws.Config) aws.Config {
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), p.install)
	return cfg
}

func (p *Plan) install(s *middleware.Stack) error {
	decide := middleware.InitializeMiddlewareFunc(p.id+".decide", p.decide)
	inject := middleware.DeserializeMiddlewareFunc(p.id+".inject", p.inject)
	if _, ok := s.Initialize.Get(decide.ID()); ok {
		return nil
	}
	if err := s.Initialize.Add(decide, middleware.After); err != nil {
		return err
	}
	return s.Deserialize.Add(inject, middleware.After)
}

// FastRetries returns a copy of cfg whose clients use the SDK's standard
// retryer, as they do by default (the same maximum attempts, retryable
// errors and retry quota), with at most 5 ms between attempts instead of
// the SDK's exponential backoff of up to seconds.
func FastRetries(cfg aws.Config) aws.Config {
	cfg.Retryer = func() aws.Retryer {
		return retry.AddWithMaxBackoffDelay(retry.NewStandard(), 5*time.Millisecond)
	}
	return cfg
}

// decision is what the plan decided for one call: the rule it fails by
// (nil: none) and its attempts so far.
type decision struct {
	rule     *Rule
	params   any
	attempts int
}

type decisionKey struct{ plan *Plan }

func (p *Plan) decide(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	d := &decision{params: in.Parameters}
	keys := Keys(in.Parameters)
	p.mu.Lock()
	p.calls[opKey(service, op)]++
	for _, r := range p.rules {
		if !r.matches(service, op, keys) {
			continue
		}
		r.seen++
		if r.seen <= r.Skip || (r.Calls > 0 && r.seen > r.Skip+r.Calls) {
			continue
		}
		rr := r.Rule
		d.rule = &rr
		break
	}
	p.mu.Unlock()
	return next.HandleInitialize(context.WithValue(ctx, decisionKey{p}, d), in)
}

func (r *rule) matches(service, op string, keys []string) bool {
	if r.Service != service || (r.Operation != "" && r.Operation != op) {
		return false
	}
	if r.Key == "" {
		return true
	}
	for _, k := range keys {
		if strings.HasPrefix(k, r.Key) {
			return true
		}
	}
	return false
}

func (p *Plan) inject(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	d, _ := ctx.Value(decisionKey{p}).(*decision)
	p.mu.Lock()
	p.attempts[opKey(service, op)]++
	fail := false
	if d != nil && d.rule != nil {
		d.attempts++
		fail = d.rule.Attempts == 0 || d.attempts <= d.rule.Attempts
	}
	if fail {
		p.injected[opKey(service, op)]++
	}
	p.mu.Unlock()
	if !fail {
		return next.HandleDeserialize(ctx, in)
	}
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.DeserializeOutput{}, middleware.Metadata{}, fmt.Errorf("faults: unexpected request type %T", in.Request)
	}
	var md middleware.Metadata
	if d.rule.AfterSend {
		out, m, err := next.HandleDeserialize(ctx, in)
		md = m
		if err == nil {
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		}
	}
	out := middleware.DeserializeOutput{RawResponse: &smithyhttp.Response{Response: &http.Response{
		Header: http.Header{}, Body: http.NoBody, Request: req.Request}}}
	switch d.rule.Fault {
	case ConnectionReset:
		return out, md, sendError(req, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)})
	case Timeout:
		return out, md, sendError(req, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ETIMEDOUT)})
	case Hang:
		select {
		case <-ctx.Done():
			// What smithyhttp.ClientHandler returns when the context
			// ends before the answer.
			return out, md, &smithy.CanceledError{Err: ctx.Err()}
		case <-time.After(MaxHang):
			return out, md, sendError(req, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ETIMEDOUT)})
		}
	}
	resp, err := errorResponse(service, op, *d.rule, d.params)
	if err != nil {
		return out, md, err
	}
	resp.Request = req.Request
	out.RawResponse = &smithyhttp.Response{Response: resp}
	return out, md, nil
}

// sendError is what smithyhttp.ClientHandler returns when the HTTP client
// fails with err.
func sendError(req *smithyhttp.Request, err error) error {
	return &smithyhttp.RequestSendError{Err: &url.Error{Op: strings.ToUpper(req.Method[:1]) + strings.ToLower(req.Method[1:]),
		URL: req.URL.String(), Err: err}}
}

// errorResponse is the answer service gives for r's fault: its status and
// its protocol's error document.
func errorResponse(service, op string, r Rule, params any) (*http.Response, error) {
	status, code, message := http.StatusBadRequest, "", ""
	switch r.Fault {
	case Throttle:
		code, message = throttleCode[service], "Rate exceeded"
		if service == DynamoDB {
			message = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
		}
	case ServerError:
		status, code, message = http.StatusInternalServerError, internalCode[service], "Internal server error"
	case Unavailable:
		status, code, message = http.StatusServiceUnavailable, unavailableCode[service], "Service unavailable"
	case ClientError:
		message = "The request was refused"
	case TransactionThrottled:
		if service != DynamoDB || op != "TransactWriteItems" {
			return nil, fmt.Errorf("faults: %s applies to DynamoDB TransactWriteItems, not %s %s", r.Fault, service, op)
		}
		code = "TransactionCanceledException"
	default:
		return nil, fmt.Errorf("faults: unknown fault %v", r.Fault)
	}
	if r.Code != "" {
		code = r.Code
	}
	if code == "" {
		return nil, fmt.Errorf("faults: no %s error for service %q", r.Fault, service)
	}
	h := http.Header{}
	h.Set("X-Amzn-Requestid", "fault-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	var body []byte
	switch service {
	case SNS: // AWS query protocol: an XML ErrorResponse
		h.Set("Content-Type", "text/xml")
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		body = fmt.Appendf(nil, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			typ, code, message, h.Get("X-Amzn-Requestid"))
	case DynamoDB: // AWS JSON 1.0, with the CRC32 DynamoDB sends
		h.Set("Content-Type", "application/x-amz-json-1.0")
		doc := map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message}
		if r.Fault == TransactionThrottled {
			doc = transactionCanceled(code, r.Key, params)
		}
		body, _ = json.Marshal(doc)
		h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	default: // AWS JSON 1.1
		h.Set("Content-Type", "application/x-amz-json-1.1")
		body, _ = json.Marshal(map[string]any{"__type": code, "message": message})
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
	}, nil
}

var (
	throttleCode = map[string]string{DynamoDB: "ProvisionedThroughputExceededException", SNS: "Throttling",
		Translate: "TooManyRequestsException", SecretsManager: "ThrottlingException"}
	internalCode = map[string]string{DynamoDB: "InternalServerError", SNS: "InternalError",
		Translate: "InternalServerException", SecretsManager: "InternalServiceError"}
	unavailableCode = map[string]string{DynamoDB: "ServiceUnavailable", SNS: "ServiceUnavailable",
		Translate: "ServiceUnavailableException", SecretsManager: "ServiceUnavailable"}
)

// transactionCanceled is DynamoDB's answer to a transaction one of whose
// items was throttled: the item whose key starts with key (the first item
// when none does) has reason ThrottlingError, the others None.
func transactionCanceled(code, key string, params any) map[string]any {
	in, _ := params.(*dynamodb.TransactWriteItemsInput)
	n := 1
	if in != nil && len(in.TransactItems) > 0 {
		n = len(in.TransactItems)
	}
	throttled := 0
	if in != nil && key != "" {
		for i, it := range in.TransactItems {
			if slices.ContainsFunc(writeKeys(it), func(k string) bool { return strings.HasPrefix(k, key) }) {
				throttled = i
				break
			}
		}
	}
	reasons := make([]map[string]string, n)
	names := make([]string, n)
	for i := range reasons {
		reasons[i], names[i] = map[string]string{"Code": "None"}, "None"
	}
	reasons[throttled] = map[string]string{"Code": "ThrottlingError",
		"Message": "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly."}
	names[throttled] = "ThrottlingError"
	return map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#" + code,
		"Message":             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(names, ", ") + "]",
		"CancellationReasons": reasons}
}

// Keys are what a rule's Key is matched against: the partition keys (PK) a
// DynamoDB call touches, an SNS Publish's phone number or topic ARN, the
// secret a GetSecretValue reads, the target language of a translation.
func Keys(params any) []string {
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		return pk(in.Key)
	case *dynamodb.PutItemInput:
		return pk(in.Item)
	case *dynamodb.UpdateItemInput:
		return pk(in.Key)
	case *dynamodb.DeleteItemInput:
		return pk(in.Key)
	case *dynamodb.QueryInput:
		return queryPartition(in)
	case *dynamodb.TransactWriteItemsInput:
		var keys []string
		for _, it := range in.TransactItems {
			keys = append(keys, writeKeys(it)...)
		}
		return keys
	case *dynamodb.TransactGetItemsInput:
		var keys []string
		for _, it := range in.TransactItems {
			if it.Get != nil {
				keys = append(keys, pk(it.Get.Key)...)
			}
		}
		return keys
	case *dynamodb.BatchGetItemInput:
		var keys []string
		for _, req := range in.RequestItems {
			for _, k := range req.Keys {
				keys = append(keys, pk(k)...)
			}
		}
		return keys
	case *dynamodb.BatchWriteItemInput:
		var keys []string
		for _, writes := range in.RequestItems {
			for _, w := range writes {
				switch {
				case w.PutRequest != nil:
					keys = append(keys, pk(w.PutRequest.Item)...)
				case w.DeleteRequest != nil:
					keys = append(keys, pk(w.DeleteRequest.Key)...)
				}
			}
		}
		return keys
	case *sns.PublishInput:
		return nonEmpty(aws.ToString(in.PhoneNumber), aws.ToString(in.TopicArn), aws.ToString(in.TargetArn))
	case *secretsmanager.GetSecretValueInput:
		return nonEmpty(aws.ToString(in.SecretId))
	case *translate.TranslateTextInput:
		return nonEmpty(aws.ToString(in.TargetLanguageCode))
	}
	return nil
}

func writeKeys(it ddbtypes.TransactWriteItem) []string {
	switch {
	case it.Put != nil:
		return pk(it.Put.Item)
	case it.Update != nil:
		return pk(it.Update.Key)
	case it.Delete != nil:
		return pk(it.Delete.Key)
	case it.ConditionCheck != nil:
		return pk(it.ConditionCheck.Key)
	}
	return nil
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// partitionKey is the table's partition key attribute (template.yaml).
const partitionKey = "PK"

func pk(item map[string]ddbtypes.AttributeValue) []string {
	if s, ok := item[partitionKey].(*ddbtypes.AttributeValueMemberS); ok {
		return []string{s.Value}
	}
	return nil
}

var keyEquality = regexp.MustCompile(`([#\w]+)\s*=\s*(:\w+)`)

func queryPartition(in *dynamodb.QueryInput) []string {
	for _, m := range keyEquality.FindAllStringSubmatch(aws.ToString(in.KeyConditionExpression), -1) {
		name := m[1]
		if alias, ok := in.ExpressionAttributeNames[name]; ok {
			name = alias
		}
		if name == partitionKey {
			return pk(map[string]ddbtypes.AttributeValue{partitionKey: in.ExpressionAttributeValues[m[2]]})
		}
	}
	return nil
}
