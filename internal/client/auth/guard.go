package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/ratelimit"
)

// The login guard: failed logins counted per email address, and the
// lockout they lead to. It is kept per address, known or not, in an item
// named by a keyed hash of the address: an unknown address locks exactly
// like a known one, so a lockout tells nobody which addresses have
// accounts, and the table does not list the addresses that were tried.
//
// Counting is atomic (an ADD under a condition), so concurrent wrong
// passwords are all counted. max_failed_logins failures, each within
// lockout_minutes of the one before, lock the address for lockout_minutes;
// attempts during a lock are refused before the password is checked, are
// not counted and do not extend it, so an attacker cannot keep a client
// locked out for longer than the lockout they triggered.

type guard struct {
	key      dynamo.Key
	failures int64
	last     int64 // unix ms of the latest failure
	until    int64 // unix ms the lock ends; 0: none
}

func (s *service) guardKeyOf(email string) dynamo.Key {
	return dynamo.LoginGuardKey(s.keyedHash("login-guard", email))
}

// readGuard returns email's guard, refusing with 429 locked while it is locked.
func (s *service) readGuard(ctx context.Context, email string, now time.Time) (guard, error) {
	return s.readGuardAt(ctx, s.guardKeyOf(email), now)
}

func (s *service) readGuardAt(ctx context.Context, key dynamo.Key, now time.Time) (guard, error) {
	g := guard{key: key}
	out, err := s.Table.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table.Name),
		Key: g.key.KeyAttrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return g, fmt.Errorf("read login guard: %w", err)
	}
	g.failures, g.last, g.until = num(out.Item, "failures"), num(out.Item, "last_failure_at"), num(out.Item, "locked_until")
	if g.until > now.UnixMilli() {
		return g, locked(time.Duration(g.until-now.UnixMilli()) * time.Millisecond)
	}
	return g, nil
}

func num(item map[string]types.AttributeValue, name string) int64 {
	n, ok := item[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	v, _ := strconv.ParseInt(n.Value, 10, 64)
	return v
}

func locked(wait time.Duration) error {
	e := apperr.New(apperr.RateLimited, "locked", "too many failed logins: try again later")
	e.RetryAfter = wait
	return e
}

// errRaced is a failure whose conditions both failed because a concurrent
// failure moved the guard on between them: count it again.
var errRaced = errors.New("the login guard moved meanwhile")

// fail counts one failed login. It answers locked when this failure
// reaches the limit or the guard got locked meanwhile, nil otherwise.
func (s *service) fail(ctx context.Context, g guard, max int, lasts time.Duration, now time.Time) error {
	for range 5 {
		count, err := s.countFailure(ctx, g.key, lasts, now)
		if errors.Is(err, errRaced) {
			continue
		}
		if err != nil {
			return err
		}
		if count < int64(max) {
			return nil
		}
		return s.lock(ctx, g.key, max, lasts, now)
	}
	return apperr.New(apperr.Unavailable, "busy", "too many concurrent logins; try again")
}

// countFailure adds one failure: to the recent ones, or as the first of a
// new run when the last failure is older than the lockout period. It
// returns the failures counted so far, or locked when the guard is locked.
func (s *service) countFailure(ctx context.Context, key dynamo.Key, lasts time.Duration, now time.Time) (int64, error) {
	stale := now.Add(-lasts).UnixMilli()
	unlocked := "(attribute_not_exists(locked_until) OR locked_until <= :now)"
	in := &dynamodb.UpdateItemInput{TableName: aws.String(s.Table.Name), Key: key.KeyAttrs(),
		UpdateExpression:         aws.String("SET failures = if_not_exists(failures, :zero) + :one, last_failure_at = :now, #ttl = :ttl, #type = :type"),
		ConditionExpression:      aws.String(unlocked + " AND last_failure_at > :stale"),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl", "#type": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": dynamo.N(now.UnixMilli()), ":stale": dynamo.N(stale), ":one": dynamo.N(1), ":zero": dynamo.N(0),
			":ttl": dynamo.N(now.Add(lasts + 24*time.Hour).Unix()), ":type": dynamo.S(dynamo.TypeLoginGuard),
		},
		ReturnValues: types.ReturnValueUpdatedNew}
	if n, ok, err := s.tryCount(ctx, in); ok || err != nil {
		return n, err
	}
	delete(in.ExpressionAttributeValues, ":zero")
	in.UpdateExpression = aws.String("SET failures = :one, last_failure_at = :now, #ttl = :ttl, #type = :type REMOVE locked_until")
	in.ConditionExpression = aws.String(unlocked + " AND (attribute_not_exists(last_failure_at) OR last_failure_at <= :stale)")
	if n, ok, err := s.tryCount(ctx, in); ok || err != nil {
		return n, err
	}
	if _, err := s.readGuardAt(ctx, key, now); err != nil {
		return 0, err // locked, most likely
	}
	return 0, errRaced
}

// tryCount runs one counting update: ok is false when its condition failed.
func (s *service) tryCount(ctx context.Context, in *dynamodb.UpdateItemInput) (int64, bool, error) {
	out, err := s.Table.DB.UpdateItem(ctx, in)
	switch {
	case err == nil:
		return num(out.Attributes, "failures"), true, nil
	case dynamo.IsConditionFailed(err):
		return 0, false, nil
	default:
		return 0, false, fmt.Errorf("count a failed login: %w", err)
	}
}

// lock locks the guard for lasts, once: of concurrent failures that all
// reached the limit, the first sets the lock and the others find it.
func (s *service) lock(ctx context.Context, key dynamo.Key, max int, lasts time.Duration, now time.Time) error {
	_, err := s.Table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table.Name), Key: key.KeyAttrs(),
		UpdateExpression:    aws.String("SET locked_until = :until, failures = :zero"),
		ConditionExpression: aws.String("failures >= :max AND (attribute_not_exists(locked_until) OR locked_until <= :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":until": dynamo.N(now.Add(lasts).UnixMilli()), ":zero": dynamo.N(0), ":max": dynamo.N(int64(max)),
			":now": dynamo.N(now.UnixMilli()),
		}})
	if err != nil && !dynamo.IsConditionFailed(err) {
		return fmt.Errorf("lock logins: %w", err)
	}
	return locked(lasts)
}

// succeed forgets the failures before a successful login.
func (s *service) succeed(ctx context.Context, g guard) error {
	if g.failures == 0 {
		return nil // nothing to forget: no write
	}
	_, err := s.Table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table.Name), Key: g.key.KeyAttrs(),
		UpdateExpression:          aws.String("SET failures = :zero"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": dynamo.N(0)}})
	if err != nil {
		return fmt.Errorf("reset failed logins: %w", err)
	}
	return nil
}

// Limits per source address and per address asked about (package
// ratelimit; template.yaml lets the auth function touch RATE#auth_*).
const (
	loginPerIP     = 100 // login attempts per source address...
	loginIPWindow  = 15 * time.Minute
	signupsPerIP   = 20 // sign-ups per source address, an hour
	resetsPerEmail = 5  // password-reset requests per address, an hour
	resetsPerIP    = 20 // password-reset requests per source address, an hour
	mailsPerClient = 5  // confirmation emails resent per client, an hour
)

func loginRule(ip string) ratelimit.Rule {
	return ratelimit.Rule{Kind: "auth_login_ip", Subject: ratelimit.SourceKey(ip), Limit: loginPerIP, Per: loginIPWindow}
}

func signupRule(ip string) ratelimit.Rule {
	return ratelimit.Rule{Kind: "auth_signup_ip", Subject: ratelimit.SourceKey(ip), Limit: signupsPerIP, Per: time.Hour}
}
