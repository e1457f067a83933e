package auth_test

import (
	"encoding/json"
	"testing"

	"clientarea/internal/testsupport/apptest"
	"clientarea/internal/testsupport/snstest"
)

// In AWS the auth function's SMS and notification events go to SNS: the
// code as a Transactional SMS to the number, the confirmation email's
// event to the notification topic.
func TestSignupPublishesToSNS(t *testing.T) {
	env := apptest.New(t)
	srv := snstest.New(t)
	env.Deps.Config.SNSEndpoint = srv.URL
	env.Deps.Config.NotificationTopicARN = apptest.ARN(t, "NotificationTopic")
	w := &world{t: t, env: env, auth: env.Handler("auth")}
	w.registration("email_and_phone")
	w.signup(ann, annPhone)

	var sms, event *snstest.Publish
	for _, p := range srv.Requests() {
		switch {
		case p.PhoneNumber == annPhone:
			sms = &p
		case p.TopicArn == env.Deps.Config.NotificationTopicARN:
			event = &p
		}
	}
	if sms == nil || sms.Attributes["AWS.SNS.SMS.SMSType"].StringValue != "Transactional" || !apptest.SixDigits.MatchString(sms.Message) {
		t.Fatalf("SMS %+v", sms)
	}
	if event == nil {
		t.Fatalf("no notification event in %+v", srv.Requests())
	}
	var e struct {
		Kind  string            `json:"kind"`
		Email string            `json:"email"`
		Data  map[string]string `json:"data"`
	}
	if err := json.Unmarshal([]byte(event.Message), &e); err != nil || e.Kind != "email_verification" || e.Email != ann || len(e.Data["token"]) < 43 {
		t.Fatalf("event %s (%v)", event.Message, err)
	}
	if len(env.Deps.Outbox.List()) != 0 {
		t.Fatal("messages went to the outbox too")
	}
}
