package main

// A stand-in SNS for the row whose first event sends an SMS: it answers
// Publish (the query protocol) like SNS and counts the messages. No SMS
// ever leaves the machine.

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

type fakeSNS struct {
	URL       string
	srv       *http.Server
	publishes atomic.Int64
}

const publishAnswer = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">` +
	`<PublishResult><MessageId>coldstart-1</MessageId></PublishResult>` +
	`<ResponseMetadata><RequestId>coldstart-r1</RequestId></ResponseMetadata></PublishResponse>`

func startSNS() (*fakeSNS, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeSNS{URL: "http://" + ln.Addr().String()}
	f.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
			if !strings.Contains(string(body), "Action=Publish") {
				http.Error(w, "only Publish", http.StatusBadRequest)
				return
			}
			f.publishes.Add(1)
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte(publishAnswer))
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *fakeSNS) Close() { _ = f.srv.Close() }
