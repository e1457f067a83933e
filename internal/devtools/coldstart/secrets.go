package main

// A stand-in Secrets Manager, so that the row of a function that reads its
// OTP key at cold start (as in AWS) can be measured too. It answers
// GetSecretValue (AWS JSON 1.1) for one secret, like the fake in
// internal/otp/key_test.go. Over loopback and without TLS it times the
// SDK's side of the read, not the network's.

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

type fakeSecrets struct {
	*loopback
	reads atomic.Int64 // GetSecretValue calls answered with the secret
}

// startSecrets serves secret's value under the id arn on a loopback port.
func startSecrets(arn, secret string) (*fakeSecrets, error) {
	f := &fakeSecrets{}
	var err error
	f.loopback, err = serveLoopback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if answerSecret(w, r, arn, secret) {
			f.reads.Add(1)
		}
	}))
	return f, err
}

// answerSecret answers one request and reports whether it gave the secret.
func answerSecret(w http.ResponseWriter, r *http.Request, arn, secret string) bool {
	var in struct{ SecretId string }
	_ = json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || in.SecretId != arn {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`))
		return false
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ARN": arn, "Name": "OtpKeySecret", "SecretString": secret,
		"VersionId": "00000000-0000-0000-0000-000000000001", "VersionStages": []string{"AWSCURRENT"},
		"CreatedDate": 1.7723556e9,
	})
	return true
}

// loopback is a stand-in AWS endpoint on a loopback port.
type loopback struct {
	URL string
	srv *http.Server
}

// serveLoopback serves h on a free loopback port, with bounded reads and
// writes, until Close.
func serveLoopback(h http.Handler) (*loopback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &loopback{URL: "http://" + ln.Addr().String(), srv: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
	}}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

func (l *loopback) Close() { _ = l.srv.Close() }
