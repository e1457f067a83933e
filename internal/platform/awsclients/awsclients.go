// Package awsclients loads the AWS SDK configuration once per process.
// It builds no service clients: every function imports it, and a client
// package here would be linked into functions that never use it. Each
// client is built next to its one user (dynamo, delivery, otp, translator).
package awsclients

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

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
