package otpkey_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"clientarea/internal/app/otpkey"
	"clientarea/internal/platform/config"
	"clientarea/internal/testsupport/apptest"
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
	arn := apptest.ARN(t, "OtpKeySecret") // the one secret the security function may read
	long := strings.Repeat("k", 64)
	// load reads the key, as the security function, from a Secrets Manager
	// holding secrets.
	load := func(secrets map[string]string) ([]byte, error) {
		url := secretsServer(t, secrets)
		awsCfg := apptest.AWS(t, "security", config.Config{Region: "us-east-1", SecretsManagerEndpoint: url})
		return otpkey.Load(context.Background(), otpkey.SecretsClient(awsCfg, url), arn)
	}
	if key, err := load(map[string]string{arn: long}); err != nil || string(key) != long {
		t.Fatalf("key %q, %v", key, err)
	}
	if _, err := load(map[string]string{arn: "tooshort"}); err == nil || !strings.Contains(err.Error(), "at least 32 bytes") {
		t.Fatalf("a short secret: %v", err)
	}
	if _, err := load(nil); err == nil {
		t.Fatal("a missing secret gave a key")
	}
}
