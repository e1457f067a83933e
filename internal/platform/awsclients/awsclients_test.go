package awsclients_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
)

// The environment Lambda gives a function's execution environment.
const (
	region       = "eu-central-1"
	accessKey    = "ASIAEXAMPLELAMBDA"
	secretKey    = "lambda/role/secret/key/EXAMPLE"
	sessionToken = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
)

// signedRequest is what the local endpoint received.
type signedRequest struct {
	header http.Header
	body   []byte
	host   string
	path   string
}

// A function configured from a Lambda environment signs its calls with
// exactly the role credentials and region Lambda set, and nothing else is
// consulted: the check re-signs the received request with the expected
// secret and compares signatures.
func TestLambdaEnvironmentSignsWithItsCredentialsAndRegion(t *testing.T) {
	for k, v := range map[string]string{
		"TABLE_NAME": "t", "AWS_REGION": region, "AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey,
		"AWS_SESSION_TOKEN": sessionToken,
		// Sources the default loader would read; they must not matter.
		"AWS_PROFILE": "someone-else", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
	} {
		t.Setenv(k, v)
	}
	var mu sync.Mutex
	var got signedRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = signedRequest{header: r.Header.Clone(), body: body, host: r.Host, path: r.URL.Path}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	t.Setenv("DYNAMODB_ENDPOINT", srv.URL)

	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	awsCfg, err := awsclients.Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint)
	if _, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String("t"), Key: dynamo.SectionKey("general").KeyAttrs(),
	}); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	auth := got.header.Get("Authorization")
	if !strings.Contains(auth, "Credential="+accessKey+"/") || !strings.Contains(auth, "/"+region+"/dynamodb/aws4_request") {
		t.Fatalf("Authorization %q is not signed by %s for %s", auth, accessKey, region)
	}
	if got.header.Get("X-Amz-Security-Token") != sessionToken {
		t.Fatalf("session token %q", got.header.Get("X-Amz-Security-Token"))
	}
	if want := resign(t, got); want != auth {
		t.Fatalf("signature does not verify with the role's secret:\n got %s\nwant %s", auth, want)
	}
}

// resign signs the received request again with the expected credentials.
func resign(t *testing.T, got signedRequest) string {
	t.Helper()
	at, err := time.Parse("20060102T150405Z", got.header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+got.host+got.path, bytes.NewReader(got.body))
	auth := got.header.Get("Authorization")
	signed := auth[strings.Index(auth, "SignedHeaders=")+len("SignedHeaders="):]
	signed = signed[:strings.Index(signed, ",")]
	for _, h := range strings.Split(signed, ";") {
		if h != "host" {
			req.Header.Set(h, got.header.Get(h))
		}
	}
	sum := sha256.Sum256(got.body)
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey, SessionToken: sessionToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "dynamodb", region, at); err != nil {
		t.Fatal(err)
	}
	return req.Header.Get("Authorization")
}

func TestNoCredentialsOutsideLambdaIsAnError(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err := awsclients.Load(context.Background(), config.Config{Region: "us-east-1"}); err == nil {
		t.Fatal("no credentials and no local endpoint: want an error")
	}
	local, err := awsclients.Load(context.Background(), config.Config{Region: "us-east-1", DynamoDBEndpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := local.Credentials.Retrieve(context.Background()); c.AccessKeyID != "local" {
		t.Fatalf("local credentials %+v", c)
	}
}
