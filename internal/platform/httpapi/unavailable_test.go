package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"clientarea/internal/platform/apperr"
)

func answer(t *testing.T, err error) (*httptest.ResponseRecorder, Problem) {
	t.Helper()
	rec := httptest.NewRecorder()
	WriteError(t.Context(), rec, err)
	var p Problem
	if jerr := json.Unmarshal(rec.Body.Bytes(), &p); jerr != nil {
		t.Fatalf("%s: %v", rec.Body, jerr)
	}
	return rec, p
}

// An AWS service failing for now, however the code wrapped the failure,
// is 503 unavailable with Retry-After, not a 500; a bug stays a 500.
func TestServiceFailuresAre503WithRetryAfter(t *testing.T) {
	throttled := &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "GetItem",
		Err: &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException", Message: "slow down"}}
	serverErr := &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems",
		Err: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 500}}, Err: fmt.Errorf("internal")}}
	cases := []struct {
		name       string
		err        error
		status     int
		code       string
		retryAfter string
	}{
		{"throttled, wrapped", fmt.Errorf("load section general: %w", throttled), 503, "unavailable", "2"},
		{"throttled, as an internal error", apperr.Internalf("store", throttled), 503, "unavailable", "2"},
		{"a 5xx", serverErr, 503, "unavailable", "1"},
		{"a deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), 503, "unavailable", "1"},
		{"a service-specific 503 keeps its code", messagingLike().Because("sns publish", throttled), 503, "sms_unavailable", "2"},
		{"a 503 of no AWS cause", apperr.New(apperr.Unavailable, "busy", "try again"), 503, "busy", "1"},
		{"a 503 with its own wait", &apperr.Error{Kind: apperr.Unavailable, Code: "sms_unavailable", RetryAfter: 60 * time.Second}, 503, "sms_unavailable", "60"},
		{"a bug", fmt.Errorf("decode: %w", errString("bad item")), 500, "internal", ""},
		{"a client error of the service", fmt.Errorf("put: %w", &smithy.GenericAPIError{Code: "ValidationException"}), 500, "internal", ""},
		{"a 4xx is not touched", apperr.New(apperr.Conflict, "version_conflict", "stale"), 409, "version_conflict", ""},
	}
	for _, c := range cases {
		rec, p := answer(t, c.err)
		if rec.Code != c.status || p.Code != c.code || p.Status != c.status || rec.Header().Get("Retry-After") != c.retryAfter {
			t.Errorf("%s: %d %s Retry-After %q, want %d %s %q", c.name, rec.Code, p.Code, rec.Header().Get("Retry-After"),
				c.status, c.code, c.retryAfter)
		}
	}
}

func messagingLike() *apperr.Error {
	return apperr.New(apperr.Unavailable, "sms_unavailable", "the SMS could not be sent; try again later")
}
