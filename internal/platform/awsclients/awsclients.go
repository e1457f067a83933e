// Package awsclients builds the AWS SDK configuration once per process.
// It builds no service clients: every function imports it, and a client
// package here would be linked into functions that never use it. Each
// client is built next to its one user (dynamo, delivery, otp, translator).
//
// The configuration is assembled from the environment rather than by the
// SDK's default loader (config.LoadDefaultConfig). In Lambda, the region
// and the function role's credentials are environment variables that
// Lambda sets for the life of the execution environment; the default loader
// would also read shared config files and link, and initialise, the STS,
// SSO, SSO-OIDC, sign-in and EC2 metadata clients at every cold start, for
// sources a function never has. That is most of what the loader costs.
//
// It is also where a failure of an AWS service is told from a bug
// (Unavailable: throttled, 5xx, timed out, unreachable, a DynamoDB
// transaction cancelled for throttling or conflicts; the HTTP edge answers
// those 503 with Retry-After), and what keeps a call that must not happen
// twice (an SMS) from being retried after it may have been carried out
// (RetryUnsentOnly) or from taking all of a request's time (HalfTime). It
// links the SDK's retry package and DynamoDB's error types for that,
// which every function links anyway.
package awsclients

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"clientarea/internal/platform/config"
)

// Load returns the SDK configuration for cfg: cfg's region, and the
// credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN. When any endpoint is overridden (local servers) and
// the environment holds no credentials, it uses static dummy ones, since
// local servers accept any.
func Load(_ context.Context, cfg config.Config) (aws.Config, error) {
	creds, err := environmentCredentials(isLocal(cfg))
	if err != nil {
		return aws.Config{}, err
	}
	// Service clients fill what is left (retryer, HTTP client, endpoint
	// resolution) with the SDK's defaults, as the default loader would.
	return aws.Config{Region: cfg.Region, Credentials: creds}, nil
}

func isLocal(cfg config.Config) bool {
	return cfg.DynamoDBEndpoint != "" || cfg.SNSEndpoint != "" || cfg.TranslateEndpoint != "" ||
		cfg.SecretsManagerEndpoint != ""
}

// environmentCredentials reads the credentials Lambda puts in the
// environment. They are read once: Lambda does not change them during the
// execution environment's life.
func environmentCredentials(local bool) (aws.CredentialsProvider, error) {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	switch {
	case id != "" && secret != "":
		p := credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
		p.Value.Source = "EnvironmentVariables"
		return p, nil
	case local:
		return credentials.NewStaticCredentialsProvider("local", "local", ""), nil
	default:
		return nil, errors.New("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set " +
			"(Lambda sets them; the local tools set endpoint overrides instead)")
	}
}
