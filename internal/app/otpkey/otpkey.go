// Package otpkey reads the key of the one-time-password hashes and builds
// the engine that uses it. The key is a Secrets Manager secret that
// template.yaml generates (OtpKeySecret); the functions that send codes
// read it once at cold start, with secretsmanager:GetSecretValue on that
// one secret. A CloudFormation dynamic reference would be simpler but
// would copy the key into the function's environment, where anyone allowed
// to read the function's configuration could see it. Locally the dev tools
// pass CLIENTAREA_OTP_KEY.
//
// Only the functions that send codes import it: it links the Secrets
// Manager SDK, which no other function may (package otp itself does not,
// so reading the security section's OTP policy links nothing of it).
package otpkey

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"clientarea/internal/app"
	"clientarea/internal/app/outbound"
	"clientarea/internal/otp"
)

// SecretsClient returns the Secrets Manager client Load reads with;
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

// Load reads the OTP key from the secret secretARN.
func Load(ctx context.Context, sm SecretAPI, secretARN string) ([]byte, error) {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	if err != nil {
		return nil, fmt.Errorf("read the OTP key secret: %w", err)
	}
	key := []byte(aws.ToString(out.SecretString))
	if err := otp.CheckKey(key); err != nil {
		return nil, fmt.Errorf("the OTP key secret: %w", err)
	}
	return key, nil
}

// Of returns the key of d's code hashes: read from the Secrets Manager
// secret OTP_KEY_SECRET_ARN when set (in AWS), else CLIENTAREA_OTP_KEY (the
// local tools). A missing or short key is an error: no codes without it.
func Of(ctx context.Context, d *app.Deps) ([]byte, error) {
	if arn := d.Config.OTPKeySecretARN; arn != "" {
		return Load(ctx, SecretsClient(d.AWS, d.Config.SecretsManagerEndpoint), arn)
	}
	key := []byte(d.Config.OTPKey)
	if err := otp.CheckKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

// Engine returns the one-time-password engine of d, sending through d's SMS.
func Engine(ctx context.Context, d *app.Deps) (*otp.Engine, error) {
	key, err := Of(ctx, d)
	if err != nil {
		return nil, err
	}
	return otp.New(d.Table, d.Clock, key, outbound.SMS(d)), nil
}
