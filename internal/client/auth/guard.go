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

	"clientarea/internal/client/clients"
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

// readLogin reads what a login decides on before the password: email's
// guard and email's claim (the id of the client holding it, "" when none
// does), in one strongly consistent BatchGetItem, since both keys follow
// from the request. It refuses with 429 locked while the guard is locked.
func (s *service) readLogin(ctx context.Context, email string, now time.Time) (guard, string, error) {
	key, claim := s.guardKeyOf(email), dynamo.EmailKey(email)
	items, err := dynamo.BatchGet(ctx, s.Table, []dynamo.Key{key, claim}, dynamo.Projection{})
	if err != nil {
		return guard{key: key}, "", fmt.Errorf("read login guard and email claim: %w", err) // not the key: it holds the address
	}
	g := guardOf(key, items[key])
	if g.until > now.UnixMilli() {
		return g, "", locked(time.Duration(g.until-now.UnixMilli()) * time.Millisecond)
	}
	return g, clients.OwnerOf(items[claim]), nil
}

// guardOf is the guard at key whose item is item (nil: none yet).
func guardOf(key dynamo.Key, item map[string]types.AttributeValue) guard {
	return guard{key: key, failures: num(item, "failures"), last: num(item, "last_failure_at"), until: num(item, "locked_until")}
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

// errRaced is a failure whose condition failed because a concurrent
// failure moved the guard on since it was read: count it again, on the
// guard as the failed condition returned it.
var errRaced = errors.New("the login guard moved meanwhile")

// fail counts one failed login on g, the guard as read. It answers locked
// when this failure reaches the limit or the guard got locked meanwhile,
// nil otherwise.
func (s *service) fail(ctx context.Context, g guard, max int, lasts time.Duration, now time.Time) error {
	for range 5 {
		count, moved, err := s.countFailure(ctx, g, lasts, now)
		if errors.Is(err, errRaced) {
			g = moved
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

// countFailure adds one failure to g: to the recent ones, or as the first
// of a new run when the last failure is older than the lockout period.
// Which of the two applies is decided on g (one UpdateItem), and holds
// only under the update's condition: when the guard moved meanwhile, the
// condition fails, returning the guard as it is then (errRaced, with that
// guard), or locked when it is locked. It returns the failures counted so
// far.
func (s *service) countFailure(ctx context.Context, g guard, lasts time.Duration, now time.Time) (int64, guard, error) {
	stale := now.Add(-lasts).UnixMilli()
	unlocked := "(attribute_not_exists(locked_until) OR locked_until <= :now)"
	in := &dynamodb.UpdateItemInput{TableName: aws.String(s.Table.Name), Key: g.key.KeyAttrs(),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl", "#type": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": dynamo.N(now.UnixMilli()), ":stale": dynamo.N(stale), ":one": dynamo.N(1),
			":ttl": dynamo.N(now.Add(lasts + 24*time.Hour).Unix()), ":type": dynamo.S(dynamo.TypeLoginGuard),
		},
		ReturnValues:                        types.ReturnValueUpdatedNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
	if g.last > stale { // the run goes on
		in.ExpressionAttributeValues[":zero"] = dynamo.N(0)
		in.UpdateExpression = aws.String("SET failures = if_not_exists(failures, :zero) + :one, last_failure_at = :now, #ttl = :ttl, #type = :type")
		in.ConditionExpression = aws.String(unlocked + " AND last_failure_at > :stale")
	} else { // a new run starts
		in.UpdateExpression = aws.String("SET failures = :one, last_failure_at = :now, #ttl = :ttl, #type = :type REMOVE locked_until")
		in.ConditionExpression = aws.String(unlocked + " AND (attribute_not_exists(last_failure_at) OR last_failure_at <= :stale)")
	}
	out, err := s.Table.DB.UpdateItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return num(out.Attributes, "failures"), g, nil
	case errors.As(err, &failed):
		moved := guardOf(g.key, failed.Item)
		if moved.until > now.UnixMilli() {
			return 0, moved, locked(time.Duration(moved.until-now.UnixMilli()) * time.Millisecond)
		}
		return 0, moved, errRaced
	default:
		return 0, g, fmt.Errorf("count a failed login: %w", err)
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
