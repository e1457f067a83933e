package otp

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// What the engine keeps per subject and purpose, across challenges, in one
// item (dynamo.OTPSubjectKey):
//
//   - open: the id of the one challenge whose code may be verified. Issue
//     sets it in the transaction that stores the challenge, so a new code
//     voids the earlier ones; a verify writes under the condition that it
//     still names its challenge.
//   - failures: the wrong codes of the last while, oldest first, each as
//     "<time>#<challenge id>". MaxFailedCodes of them within
//     FailedCodesWindow lock the subject out of that purpose (otp_locked).
//     The window slides: it is the times themselves that are compared, so
//     no clock-hour boundary lets a second burst through.
//   - version: counts the writes of failures. A verify reads the item and
//     writes it back under "version = the one read", so two verifies never
//     both count against the same state: of N concurrent wrong codes exactly
//     as many are counted as the lock admits, and the others, whose
//     condition failed, read again and find the lock.

// subjectState is the item of one subject and purpose, as read.
type subjectState struct {
	Key      dynamo.Key `dynamodbav:"-"`
	Open     string     `dynamodbav:"open"`
	Failures []string   `dynamodbav:"failures"`
	Version  int64      `dynamodbav:"version"`
	Exists   bool       `dynamodbav:"-"`
}

// maxKeptFailures bounds the list whatever the policy: the section allows
// at most 100 wrong codes an hour, and an item must stay small.
const maxKeptFailures = 200

// subjectKey is the key of subject's item for purpose. The subject is
// hashed with the OTP key: subjects may be emails or phone numbers.
func (e *Engine) subjectKey(purpose Purpose, subject string) dynamo.Key {
	return dynamo.OTPSubjectKey(string(purpose), hex.EncodeToString(e.mac("otp-subject-v1", string(purpose), subject)[:16]))
}

func (e *Engine) loadSubject(ctx context.Context, purpose Purpose, subject string) (subjectState, error) {
	key := e.subjectKey(purpose, subject)
	item, err := e.table.Get(ctx, key)
	if err != nil {
		return subjectState{}, fmt.Errorf("load otp subject: %w", err)
	}
	return decodeSubject(key, item)
}

// decodeSubject is the state of the subject item key from the item (nil:
// none yet).
func decodeSubject(key dynamo.Key, av map[string]types.AttributeValue) (subjectState, error) {
	st := subjectState{Key: key, Exists: av != nil}
	if err := dynamo.UnmarshalItem(av, &st); err != nil {
		return subjectState{}, apperr.Internalf("decode otp subject", err)
	}
	return st, nil
}

// failure is one wrong code.
type failure struct {
	at        time.Time
	challenge string
}

func (f failure) String() string { return dynamo.Sortable(f.at) + "#" + f.challenge }

// failures returns the recorded wrong codes after since, oldest first.
// Entries that do not read are skipped: they can only be dropped.
func (st subjectState) failures(since time.Time) []failure {
	var out []failure
	for _, s := range st.Failures {
		at, id, _ := strings.Cut(s, "#")
		t, err := parseTime(at)
		if err == nil && t.After(since) {
			out = append(out, failure{at: t, challenge: id})
		}
	}
	return out
}

// lockedFor is how long until one more wrong code may be tried: zero while
// fewer than max were recorded in the window before now. A wrong code at t
// counts until t+window; the lock lifts when the max-th most recent one
// stops counting.
func (st subjectState) lockedFor(now time.Time, max int, window time.Duration) time.Duration {
	recent := st.failures(now.Add(-window))
	if len(recent) < max {
		return 0
	}
	return recent[len(recent)-max].at.Add(window).Sub(now)
}

// attemptsOn counts the recorded wrong codes tried against challenge id
// (withFailure keeps them as long as the challenge lives).
func (st subjectState) attemptsOn(id string) int {
	n := 0
	for _, f := range st.failures(time.Time{}) {
		if f.challenge == id {
			n++
		}
	}
	return n
}

// withFailure is the list after one more wrong code against ch at now. It
// keeps what is still needed: the wrong codes within the window (for the
// lock) and within ch's lifetime (attemptsOn).
func (st subjectState) withFailure(ch item, now time.Time) []string {
	var out []string
	for _, f := range st.failures(now.Add(-max(ch.FailWindow, ch.lifetime()))) {
		out = append(out, f.String())
	}
	out = append(out, failure{at: now, challenge: ch.ID}.String())
	if len(out) > maxKeptFailures {
		out = out[len(out)-maxKeptFailures:]
	}
	return out
}

// subjectTTL is when the item may go: after the open challenge expired and
// the wrong codes stopped counting, whichever is later.
func subjectTTL(ch item, now time.Time) int64 {
	last := now.Add(max(ch.FailWindow, ch.lifetime()))
	if ch.ExpiresAt.After(last) {
		last = ch.ExpiresAt
	}
	return last.Add(keepAfterExpiry).Unix()
}

// update is an UpdateItem of the subject item key that also sets its type.
func (e *Engine) update(key dynamo.Key, expr, cond string, values map[string]types.AttributeValue) *types.Update {
	values[":type"] = dynamo.S(dynamo.TypeOTPSubject)
	u := &types.Update{TableName: aws.String(e.table.Name), Key: key.KeyAttrs(),
		UpdateExpression: aws.String(strings.TrimSuffix("SET #type = :type, "+expr, ", ")),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#ttl": "ttl", "#open": "open",
			"#failures": "failures", "#version": "version"},
		ExpressionAttributeValues: values}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	// DynamoDB refuses names that no expression uses.
	for name := range u.ExpressionAttributeNames {
		if !strings.Contains(*u.UpdateExpression+" "+cond, name) {
			delete(u.ExpressionAttributeNames, name)
		}
	}
	return u
}

// openUpdate makes ch its subject's open challenge (Issue).
func (e *Engine) openUpdate(ch item) *types.Update {
	key := e.subjectKey(Purpose(ch.Purpose), ch.Subject)
	return e.update(key, "#open = :id, #ttl = :ttl, #version = if_not_exists(#version, :zero)", "",
		map[string]types.AttributeValue{":id": dynamo.S(ch.ID), ":ttl": dynamo.N(subjectTTL(ch, ch.CreatedAt)),
			":zero": dynamo.N(0)})
}

// failureUpdate records a wrong code against ch in st, under the condition
// that nobody else recorded one since st was read; own adds that ch is
// still st's open challenge.
func (e *Engine) failureUpdate(st subjectState, ch item, own bool, now time.Time) *types.Update {
	cond, values := st.unchanged(ch, own)
	values[":failures"], values[":next"] = stringList(st.withFailure(ch, now)), dynamo.N(st.Version+1)
	values[":ttl"] = dynamo.N(subjectTTL(ch, now))
	return e.update(st.Key, "#failures = :failures, #version = :next, #ttl = :ttl", cond, values)
}

func stringList(ss []string) types.AttributeValue {
	l := &types.AttributeValueMemberL{Value: make([]types.AttributeValue, len(ss))}
	for i, s := range ss {
		l.Value[i] = dynamo.S(s)
	}
	return l
}

// successUpdate writes nothing but checks, in the transaction that
// consumes ch, that ch is still open and no wrong code came in since st
// was read (one that would have locked the subject out).
func (e *Engine) successUpdate(st subjectState, ch item) *types.Update {
	cond, values := st.unchanged(ch, true)
	return e.update(st.Key, "", cond, values)
}

// unchanged is the condition that st's item is as read: same version (or
// still absent), and, when open, still naming ch.
func (st subjectState) unchanged(ch item, open bool) (string, map[string]types.AttributeValue) {
	if !st.Exists {
		return "attribute_not_exists(PK)", map[string]types.AttributeValue{}
	}
	cond := "#version = :version"
	values := map[string]types.AttributeValue{":version": dynamo.N(st.Version)}
	if open {
		cond += " AND #open = :id"
		values[":id"] = dynamo.S(ch.ID)
	}
	return cond, values
}
