// Package awsclients loads the AWS SDK configuration once per process.
package awsclients

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"clientarea/internal/platform/config"
)

// Load returns the SDK configuration for cfg. When any endpoint is
// overridden (local servers) and no credentials are in the environment, it
// uses static dummy credentials, so the SDK never probes for real ones.
func Load(ctx context.Context, cfg config.Config) (aws.Config, error) {
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(cfg.Region)}
	local := cfg.DynamoDBEndpoint != "" || cfg.SNSEndpoint != "" || cfg.TranslateEndpoint != "" ||
		cfg.SecretsManagerEndpoint != ""
	if local && os.Getenv("AWS_ACCESS_KEY_ID") == "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	return awsCfg, nil
}

// SNS returns an SNS client; endpoint (SNS_ENDPOINT) points it at a local
// server when set.
func SNS(cfg aws.Config, endpoint string) *sns.Client {
	return sns.NewFromConfig(cfg, func(o *sns.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// SecretsManager returns a Secrets Manager client; endpoint
// (SECRETSMANAGER_ENDPOINT) points it at a local server when set.
func SecretsManager(cfg aws.Config, endpoint string) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}
