package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/delivery"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/testsupport/snstest"
)

func TestSNSSenderPublishesATransactionalSMS(t *testing.T) {
	srv := snstest.New(t)
	sender := delivery.SNS{Client: srv.Client(t)}
	err := sender.Send(context.Background(), messaging.Message{
		To: "+49 151 1234 5678", Text: "Your code is 123456", Kind: "otp",
		SenderID: "Brand", OriginationNumber: "+18005550100", MaxPrice: "0.05",
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	p := reqs[0]
	if p.Action != "Publish" || p.PhoneNumber != "+4915112345678" || p.Message != "Your code is 123456" || p.TopicArn != "" {
		t.Fatalf("request %+v", p)
	}
	want := map[string]snstest.Attribute{
		"AWS.SNS.SMS.SMSType":          {DataType: "String", StringValue: "Transactional"},
		"AWS.SNS.SMS.SenderID":         {DataType: "String", StringValue: "Brand"},
		"AWS.MM.SMS.OriginationNumber": {DataType: "String", StringValue: "+18005550100"},
		"AWS.SNS.SMS.MaxPrice":         {DataType: "Number", StringValue: "0.05"},
	}
	if len(p.Attributes) != len(want) {
		t.Fatalf("attributes %v, want %v", p.Attributes, want)
	}
	for name, v := range want {
		if a := p.Attributes[name]; a != v {
			t.Errorf("attribute %s = %+v, want %+v", name, a, v)
		}
	}
}

// Unset sender settings and price cap are left to the account's defaults.
func TestSNSSenderLeavesOutUnsetSenderSettings(t *testing.T) {
	srv := snstest.New(t)
	if err := (delivery.SNS{Client: srv.Client(t)}).Send(context.Background(), messaging.Message{To: "+12025550143", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	attrs := srv.Requests()[0].Attributes
	if len(attrs) != 1 || attrs["AWS.SNS.SMS.SMSType"].StringValue != "Transactional" {
		t.Fatalf("attributes %v, want only the SMS type", attrs)
	}
}

func TestSNSFailureIsSMSUnavailableWithoutDetails(t *testing.T) {
	srv := snstest.New(t)
	srv.Fail(true)
	err := (delivery.SNS{Client: srv.Client(t)}).Send(context.Background(), messaging.Message{To: "+12025550143", Text: "code 654321"})
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Unavailable || e.Code != "sms_unavailable" {
		t.Fatalf("error %v, want 503 sms_unavailable", err)
	}
	if strings.Contains(e.Detail, "InternalError") || strings.Contains(err.Error(), "654321") {
		t.Fatalf("error leaks SDK text or the message: detail %q, error %q", e.Detail, err)
	}
}

func TestInvalidNumbersNeverReachSNS(t *testing.T) {
	srv := snstest.New(t)
	err := (delivery.SNS{Client: srv.Client(t)}).Send(context.Background(), messaging.Message{To: "12345", Text: "x"})
	if apperr.CodeOf(err) != "invalid_phone" {
		t.Fatalf("error %v, want invalid_phone", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests reached SNS", n)
	}
}

func TestOutboxSenderRecordsTheSMS(t *testing.T) {
	box := &messaging.Outbox{}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := delivery.Outbox{Box: box, Clock: clock.NewFake(at)}
	if err := s.Send(context.Background(), messaging.Message{To: "+44 7911 123456", Text: "hello", Kind: "otp"}); err != nil {
		t.Fatal(err)
	}
	got := box.List()
	if len(got) != 1 || got[0].Channel != "sms" || got[0].To != "+447911123456" || got[0].Message != "hello" ||
		got[0].Kind != "otp" || !got[0].At.Equal(at) {
		t.Fatalf("outbox %+v", got)
	}
}
