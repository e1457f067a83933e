package otp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/otp"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
)

// secretsServer answers GetSecretValue (AWS JSON 1.1) like Secrets Manager.
func secretsServer(t *testing.T, secrets map[string]string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SecretId string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		value, ok := secrets[in.SecretId]
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","message":"no such secret"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"ARN": in.SecretId, "Name": "otp-key", "SecretString": value})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestLoadKeyReadsTheSecretOnce(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:OtpKeySecret-abc"
	long := strings.Repeat("k", 64)
	url := secretsServer(t, map[string]string{arn: long, "short": "tooshort"})
	awsCfg, err := awsclients.Load(context.Background(), config.Config{Region: "us-east-1", SecretsManagerEndpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	sm := awsclients.SecretsManager(awsCfg, url)
	key, err := otp.LoadKey(context.Background(), sm, arn)
	if err != nil || string(key) != long {
		t.Fatalf("key %q, %v", key, err)
	}
	if _, err := otp.LoadKey(context.Background(), sm, "short"); err == nil || !strings.Contains(err.Error(), "at least 32 bytes") {
		t.Fatalf("a short secret: %v", err)
	}
	if _, err := otp.LoadKey(context.Background(), sm, "missing"); err == nil {
		t.Fatal("a missing secret gave a key")
	}
}
