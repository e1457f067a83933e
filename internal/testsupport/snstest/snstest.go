// Package snstest is a local SNS endpoint for tests: an HTTP server that
// decodes the SNS query protocol the real SDK speaks, records every Publish
// and answers like SNS, so senders are tested through the real client.
package snstest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sns"

	"clientarea/internal/messaging/delivery"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
)

// Publish is one decoded Publish request.
type Publish struct {
	Action      string
	PhoneNumber string
	TopicArn    string
	Message     string
	Attributes  map[string]Attribute // MessageAttributes by name
}

// Attribute is one message attribute.
type Attribute struct {
	DataType, StringValue string
}

// Server is the fake SNS endpoint.
type Server struct {
	URL string

	mu       sync.Mutex
	requests []Publish
	fail     bool
}

// New starts a server that lives as long as the test.
func New(t testing.TB) *Server {
	s := &Server{}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Client returns a real SNS client pointed at the server.
func (s *Server) Client(t testing.TB) *sns.Client {
	t.Helper()
	cfg := config.Config{Region: "us-east-1", SNSEndpoint: s.URL}
	awsCfg, err := awsclients.Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// No retries: a failing endpoint should fail once, fast.
	awsCfg.RetryMaxAttempts = 1
	return delivery.SNSClient(awsCfg, s.URL)
}

// Fail makes every following request answer a 500 InternalError (true) or
// succeed again (false). Failed requests are still recorded.
func (s *Server) Fail(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fail
}

// Requests returns the decoded requests so far, oldest first.
func (s *Server) Requests() []Publish {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Publish(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p := decode(r.PostForm)
	s.mu.Lock()
	s.requests = append(s.requests, p)
	fail := s.fail
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if fail {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>test failure</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`)
		return
	}
	if p.Action != "Publish" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>%s is not served here</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`, p.Action)
		return
	}
	fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-%d</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`, len(s.Requests()))
}

// decode reads the query protocol's flattened form:
// MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue.
func decode(f url.Values) Publish {
	p := Publish{
		Action: f.Get("Action"), PhoneNumber: f.Get("PhoneNumber"), TopicArn: f.Get("TopicArn"),
		Message: f.Get("Message"), Attributes: map[string]Attribute{},
	}
	for i := 1; ; i++ {
		prefix := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		name := f.Get(prefix + "Name")
		if name == "" {
			break
		}
		p.Attributes[name] = Attribute{DataType: f.Get(prefix + "Value.DataType"), StringValue: f.Get(prefix + "Value.StringValue")}
	}
	return p
}
