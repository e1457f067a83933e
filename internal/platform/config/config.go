// Package config reads the service's settings from the environment into one
// typed struct, once, when a function or tool starts.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"clientarea/internal/platform/logging"
)

// Config is every setting a function reads from its environment.
type Config struct {
	TableName string // TABLE_NAME: the single DynamoDB table
	Region    string // AWS_REGION (default us-east-1)

	// Endpoint overrides, so that tests and the dev server reach local
	// servers through the real SDK clients. Empty means the AWS default.
	DynamoDBEndpoint  string // DYNAMODB_ENDPOINT
	SNSEndpoint       string // SNS_ENDPOINT
	TranslateEndpoint string // TRANSLATE_ENDPOINT
	// SecretsManagerEndpoint overrides the Secrets Manager endpoint.
	SecretsManagerEndpoint string // SECRETSMANAGER_ENDPOINT

	// TranslateEnabled turns machine translation on (TRANSLATE_ENABLED=true,
	// set by the template on the function allowed to call Amazon Translate).
	// A TRANSLATE_ENDPOINT turns it on too.
	TranslateEnabled bool

	// AdminClaimName / AdminClaimValue: a JWT whose claim AdminClaimName
	// contains AdminClaimValue (a group or a scope) is a back-office admin.
	AdminClaimName  string // ADMIN_CLAIM_NAME (default cognito:groups)
	AdminClaimValue string // ADMIN_CLAIM_VALUE (default client-area-admin)

	// DevAdminToken is honoured only by the local tools (dev server, invoker):
	// a bearer token equal to it is an admin. Never set in a deployed stack:
	// inside Lambda, Load refuses it (see devTokenInLambda).
	DevAdminToken string // CLIENTAREA_DEV_ADMIN_TOKEN

	// DevServiceToken is, in the local tools only, what stands in for an
	// internal service's IAM credentials on the routes API Gateway
	// authorises with AWS_IAM: a bearer token equal to it is a service.
	// Inside Lambda, Load refuses it as it refuses DevAdminToken.
	DevServiceToken string // CLIENTAREA_DEV_SERVICE_TOKEN

	// LambdaFunction is the function's name when the process runs in
	// Lambda, empty in the local tools and tests.
	LambdaFunction string // AWS_LAMBDA_FUNCTION_NAME (set by Lambda)

	LogLevel slog.Level // AWS_LAMBDA_LOG_LEVEL

	// The key of the SMS one-time-password hashes. In AWS the functions that
	// send SMS read it once at cold start from the Secrets Manager secret
	// OTPKeySecretARN; the local tools set OTPKey directly.
	OTPKeySecretARN string // OTP_KEY_SECRET_ARN
	OTPKey          string // CLIENTAREA_OTP_KEY (local tools and tests only)

	// NotificationTopicARN is the SNS topic of notification events (email
	// verification, activation letter) that a mailer subscribes to.
	NotificationTopicARN string // NOTIFICATION_TOPIC_ARN

	// ConfigCacheTTL is how long a client function's instance keeps the
	// configuration it read (package settings). 0, the default, reads it
	// with every request, so that an admin's change governs the next one;
	// more trades that for fewer reads of the configuration partition: a
	// change then reaches each instance within the TTL.
	ConfigCacheTTL time.Duration // CONFIG_CACHE_SECONDS (0..MaxConfigCacheSeconds)
}

// MaxConfigCacheSeconds bounds CONFIG_CACHE_SECONDS: an admin's change
// (a shorter session, mandatory 2FA) must not wait longer than this.
const MaxConfigCacheSeconds = 300

// DefaultDevAdminToken is the local admin token when none is configured.
const DefaultDevAdminToken = "dev-admin"

// DefaultDevServiceToken is the local service token when none is configured.
const DefaultDevServiceToken = "dev-service"

// Load reads the configuration from the process environment.
func Load() (Config, error) { return FromLookup(os.LookupEnv) }

// FromLookup reads the configuration through lookup (os.LookupEnv in
// production, a map in tests).
func FromLookup(lookup func(string) (string, bool)) (Config, error) {
	get := func(key, def string) string {
		if v, ok := lookup(key); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	c := Config{
		TableName:         get("TABLE_NAME", ""),
		Region:            get("AWS_REGION", get("AWS_DEFAULT_REGION", "us-east-1")),
		DynamoDBEndpoint:  get("DYNAMODB_ENDPOINT", ""),
		SNSEndpoint:       get("SNS_ENDPOINT", ""),
		TranslateEndpoint: get("TRANSLATE_ENDPOINT", ""),
		AdminClaimName:    get("ADMIN_CLAIM_NAME", "cognito:groups"),
		AdminClaimValue:   get("ADMIN_CLAIM_VALUE", "client-area-admin"),
		DevAdminToken:     get("CLIENTAREA_DEV_ADMIN_TOKEN", ""),
		DevServiceToken:   get("CLIENTAREA_DEV_SERVICE_TOKEN", ""),
		LambdaFunction:    get("AWS_LAMBDA_FUNCTION_NAME", ""),
		LogLevel:          logging.ParseLevel(get("AWS_LAMBDA_LOG_LEVEL", "INFO")),

		SecretsManagerEndpoint: get("SECRETSMANAGER_ENDPOINT", ""),
		OTPKeySecretARN:        get("OTP_KEY_SECRET_ARN", ""),
		OTPKey:                 get("CLIENTAREA_OTP_KEY", ""),
		NotificationTopicARN:   get("NOTIFICATION_TOPIC_ARN", ""),
	}
	c.TranslateEnabled = c.TranslateEndpoint != "" || strings.EqualFold(get("TRANSLATE_ENABLED", ""), "true")
	ttl, err := strconv.Atoi(get("CONFIG_CACHE_SECONDS", "0"))
	if err != nil || ttl < 0 || ttl > MaxConfigCacheSeconds {
		return c, fmt.Errorf("config: CONFIG_CACHE_SECONDS must be a whole number of seconds from 0 to %d", MaxConfigCacheSeconds)
	}
	c.ConfigCacheTTL = time.Duration(ttl) * time.Second
	if err := devTokensInLambda(&c); err != nil {
		return c, err
	}
	if c.TableName == "" {
		return c, errors.New("config: TABLE_NAME is required")
	}
	if strings.ContainsAny(c.AdminClaimName, " \t") {
		return c, fmt.Errorf("config: ADMIN_CLAIM_NAME %q must not contain spaces", c.AdminClaimName)
	}
	return c, nil
}

// devTokensInLambda refuses the dev admin and service tokens inside
// Lambda, and drops them from c. Each is a shared, unexpiring password
// meant for localhost: in a deployed function the admin token would be a
// back door past the JWT authorizer, the service token one past IAM, to
// anyone who can reach a route without one (or who learns it from the
// function's configuration). Refusing the cold start, rather than
// ignoring the token, makes the mistake visible at once: every invocation
// fails, and the function's log says why. Dropping both as well means that
// code which went on despite the error still never honours either.
func devTokensInLambda(c *Config) error {
	if c.LambdaFunction == "" {
		return nil
	}
	var set []string
	if c.DevAdminToken != "" {
		set = append(set, "CLIENTAREA_DEV_ADMIN_TOKEN")
	}
	if c.DevServiceToken != "" {
		set = append(set, "CLIENTAREA_DEV_SERVICE_TOKEN")
	}
	c.DevAdminToken, c.DevServiceToken = "", ""
	if len(set) == 0 {
		return nil
	}
	verb := "is"
	if len(set) > 1 {
		verb = "are"
	}
	return fmt.Errorf("config: %s %s set in Lambda function %s; "+
		"dev tokens are for the local tools only: remove them from the function's environment",
		strings.Join(set, " and "), verb, c.LambdaFunction)
}
