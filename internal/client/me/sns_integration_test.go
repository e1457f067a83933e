package me_test

import (
	"encoding/json"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/snstest"
)

// In AWS the me function's codes go to SNS as SMS, and the link of an
// address change to the notification topic.
func TestSelfServicePublishesToSNS(t *testing.T) {
	env := apptest.New(t)
	srv := snstest.New(t)
	env.Deps.Config.SNSEndpoint = srv.URL
	env.Deps.Config.NotificationTopicARN = apptest.ARN(t, "NotificationTopic")
	w := &world{t: t, env: env, auth: env.Handler("auth"), me: env.Handler("me")}
	ann := w.signup("ann@example.com")
	ann.do("POST", "/me/phone", map[string]any{"phone": annPhone}).Expect(t, 202)
	ann.do("POST", "/me/email", map[string]any{"email": "new@example.com"}).Expect(t, 202)

	var sms, event bool
	for _, p := range srv.Requests() {
		switch {
		case p.PhoneNumber == annPhone && apptest.SixDigits.MatchString(p.Message):
			sms = true
		case p.TopicArn == env.Deps.Config.NotificationTopicARN:
			var e struct {
				Email string            `json:"email"`
				Data  map[string]string `json:"data"`
			}
			event = json.Unmarshal([]byte(p.Message), &e) == nil && e.Email == "new@example.com" && e.Data["purpose"] == "change_email"
		}
	}
	if !sms || !event {
		t.Fatalf("published %+v", srv.Requests())
	}
}
