package otp

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The OTP key is a Secrets Manager secret that template.yaml generates
// (OtpKeySecret); the functions that send codes read it once at cold start,
// with secretsmanager:GetSecretValue on that one secret. A CloudFormation
// dynamic reference would be simpler but would copy the key into the
// function's environment, where anyone allowed to read the function's
// configuration could see it. Locally the dev tools pass CLIENTAREA_OTP_KEY.

// SecretsClient returns the Secrets Manager client LoadKey reads with;
// endpoint (SECRETSMANAGER_ENDPOINT) points it at a local server when set.
func SecretsClient(cfg aws.Config, endpoint string) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// SecretAPI is the part of the Secrets Manager client the key needs.
type SecretAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// LoadKey reads the OTP key from the secret secretARN.
func LoadKey(ctx context.Context, sm SecretAPI, secretARN string) ([]byte, error) {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	if err != nil {
		return nil, fmt.Errorf("read the OTP key secret: %w", err)
	}
	key := []byte(aws.ToString(out.SecretString))
	if err := CheckKey(key); err != nil {
		return nil, fmt.Errorf("the OTP key secret: %w", err)
	}
	return key, nil
}

// CheckKey refuses keys too short to keep the code hashes secret.
func CheckKey(key []byte) error {
	if len(key) < MinKeyBytes {
		return fmt.Errorf("the OTP key must be at least %d bytes, has %d", MinKeyBytes, len(key))
	}
	return nil
}
