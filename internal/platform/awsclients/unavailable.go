package awsclients

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// How long a caller is asked to wait (Retry-After) after an AWS service
// failed it. The SDK has already retried, with backoff, by then: a
// throttled service (DynamoDB adapting its capacity, an SNS rate) gets a
// little longer than a failure that a new connection usually fixes.
const (
	ThrottledRetryAfter   = 2 * time.Second
	UnavailableRetryAfter = 1 * time.Second
)

// Unavailable reports whether err is an AWS service failing the way a
// later retry may not: throttling (after the SDK's bounded retries, or
// one it does not retry, such as a DynamoDB transaction cancelled because
// an item was throttled, or for conflicts only), a 5xx answer, a
// connection failure, a timeout or a deadline that passed while waiting
// for an answer, or the SDK's retry quota running out. It returns how
// long to ask the caller to wait. This is the one place where the
// service tells such failures from bugs: the HTTP edge answers them 503
// with Retry-After, and everything else that is not an apperr.Error
// stays a 500.
func Unavailable(err error) (retryAfter time.Duration, ok bool) {
	switch {
	case err == nil:
		return 0, false
	case Throttled(err):
		return ThrottledRetryAfter, true
	case timedOut(err), serverFault(err), connectionFailed(err), quotaExceeded(err), cancelledFor(err, "TransactionConflict"):
		return UnavailableRetryAfter, true
	}
	return 0, false
}

// throttleCodes are the error codes of a refusal to do the work now: the
// SDK's own list, and the throttling codes it does not retry (SNS's
// Throttled, KMS throttling behind SNS or Secrets Manager).
var throttleCodes = func() map[string]bool {
	codes := map[string]bool{"Throttled": true, "KMSThrottling": true, "KMSThrottlingException": true}
	for c := range retry.DefaultThrottleErrorCodes {
		codes[c] = true
	}
	return codes
}()

// Throttled reports whether err is a service refusing the request for its
// rate or capacity: such a request was not carried out, so retrying it
// can do nothing twice.
func Throttled(err error) bool {
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) && throttleCodes[coded.ErrorCode()] {
		return true
	}
	var status interface{ HTTPStatusCode() int }
	return (errors.As(err, &status) && status.HTTPStatusCode() == http.StatusTooManyRequests) ||
		cancelledFor(err, "ThrottlingError")
}

// timedOut: no answer in time, because the context's deadline passed (or
// it was cancelled) or the connection timed out.
func timedOut(err error) bool {
	var canceled interface{ CanceledError() bool }
	var timeout interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		(errors.As(err, &canceled) && canceled.CanceledError()) ||
		(errors.As(err, &timeout) && timeout.Timeout())
}

// serverFault: the service answered 5xx, or an error it declares its own
// fault.
func serverFault(err error) bool {
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) && status.HTTPStatusCode() >= 500 {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorFault() == smithy.FaultServer
}

// connectionFailed: the request could not be sent or its answer not read
// (refused, reset, DNS): the SDK reports these as connection errors
// (smithyhttp.RequestSendError), of a network operation.
func connectionFailed(err error) bool {
	var conn interface{ ConnectionError() bool }
	var op *net.OpError
	var dns *net.DNSError
	return (errors.As(err, &conn) && conn.ConnectionError()) || errors.As(err, &op) || errors.As(err, &dns)
}

// quotaExceeded: the SDK's client-side retry quota ran out, which happens
// only after many failed attempts.
func quotaExceeded(err error) bool {
	var q ratelimit.QuotaExceededError
	return errors.As(err, &q)
}

// cancelledFor reports whether err is a DynamoDB transaction cancelled
// for reason (ThrottlingError: an item was throttled; TransactionConflict:
// another transaction was writing it at the same moment) and otherwise
// only None, and it therefore decided nothing: the SDK does not retry it,
// and a later attempt can succeed. A cancellation with any other reason
// (a failed condition, a validation error) is the caller's to handle.
func cancelledFor(err error, reason string) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return false
	}
	reasons := make([]string, 0, len(tce.CancellationReasons))
	for _, r := range tce.CancellationReasons {
		reasons = append(reasons, aws.ToString(r.Code))
	}
	if len(reasons) == 0 { // some servers give the reasons only in the message
		msg := aws.ToString(tce.Message)
		if i := strings.Index(msg, "["); i >= 0 {
			for _, part := range strings.Split(strings.Trim(msg[i:], "[]"), ",") {
				reasons = append(reasons, strings.TrimSpace(part))
			}
		}
	}
	found := false
	for _, r := range reasons {
		switch r {
		case reason:
			found = true
		case "None", "", "ThrottlingError", "TransactionConflict":
		default:
			return false
		}
	}
	return found
}

// RetryUnsentOnly wraps r so that it retries only a request the service
// provably did not carry out: one it refused as throttled, or one that
// never left (the connection could not be opened). A 5xx, a timeout or a
// dropped connection may come after the service acted, so such a request
// is not sent again. It is the retryer of calls that must not happen
// twice, such as an SMS: a second Publish of one code would send the
// same SMS twice.
func RetryUnsentOnly(r aws.Retryer) aws.Retryer {
	v2, ok := r.(aws.RetryerV2)
	if !ok {
		v2 = retryerV2{r}
	}
	return unsentOnly{v2}
}

type unsentOnly struct{ aws.RetryerV2 }

func (u unsentOnly) IsErrorRetryable(err error) bool {
	return Throttled(err) || neverSent(err)
}

// neverSent: the connection could not be opened (a dial error, refused,
// no such host for now), so the service never saw the request.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && !dns.IsNotFound {
		return true
	}
	return strings.Contains(err.Error(), "connection refused")
}

// retryerV2 adapts a retryer of the first interface.
type retryerV2 struct{ aws.Retryer }

func (r retryerV2) GetAttemptToken(context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}

// HalfTime returns ctx, ending when half the time it has left has passed
// (unchanged when it has no deadline). It is for a call that must not take
// all of a request's time, such as handing a message to SNS: when the
// service does not answer, the request still has the other half to carry
// on without it, take back what the message was to announce, or answer
// 503, instead of running out of time after the call failed.
func HalfTime(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Until(deadline)/2)
}
