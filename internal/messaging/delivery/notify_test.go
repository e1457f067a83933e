package delivery_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"clientarea/internal/messaging"
	"clientarea/internal/messaging/delivery"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/testsupport/snstest"
)

var event = messaging.Event{Kind: messaging.KindActivationLetter, ClientID: "c-1", Email: "ann@example.com",
	Language: "de", Data: map[string]string{"account_id": "a-9"}}

func TestTopicPublishesTheEventWithItsKind(t *testing.T) {
	srv := snstest.New(t)
	arn := "arn:aws:sns:us-east-1:123456789012:clientarea-notifications"
	if err := (delivery.SNS{Client: srv.Client(t), TopicARN: arn}).Publish(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Action != "Publish" || reqs[0].TopicArn != arn || reqs[0].PhoneNumber != "" {
		t.Fatalf("requests %+v", reqs)
	}
	if a := reqs[0].Attributes["kind"]; a.DataType != "String" || a.StringValue != "activation_letter" {
		t.Fatalf("kind attribute %+v", a)
	}
	var got messaging.Event
	if err := json.Unmarshal([]byte(reqs[0].Message), &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != event.Kind || got.Email != event.Email || got.Data["account_id"] != "a-9" || got.Language != "de" {
		t.Fatalf("published %+v", got)
	}
}

func TestTopicFailuresAre503(t *testing.T) {
	srv := snstest.New(t)
	srv.Fail(true)
	err := (delivery.SNS{Client: srv.Client(t), TopicARN: "arn:aws:sns:us-east-1:1:t"}).Publish(context.Background(), event)
	if apperr.KindOf(err) != apperr.Unavailable || apperr.CodeOf(err) != "notification_unavailable" {
		t.Fatalf("error %v", err)
	}
	err = (delivery.SNS{Client: srv.Client(t)}).Publish(context.Background(), event)
	if apperr.CodeOf(err) != "notification_unavailable" {
		t.Fatalf("no topic: error %v", err)
	}
}

func TestOutboxRecordsTheEventAsAnEmail(t *testing.T) {
	box := &messaging.Outbox{}
	o := delivery.Outbox{Box: box, Clock: clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))}
	if err := o.Publish(context.Background(), event); err != nil {
		t.Fatal(err)
	}
	got := box.List()
	if len(got) != 1 || got[0].Channel != "email" || got[0].To != "ann@example.com" || got[0].Kind != "activation_letter" {
		t.Fatalf("outbox %+v", got)
	}
}
