package main

// A stand-in SNS for the row whose first event sends an SMS: it answers
// Publish (the query protocol) like SNS and counts the messages. No SMS
// ever leaves the machine.

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

type fakeSNS struct {
	*loopback
	publishes atomic.Int64
}

const publishAnswer = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">` +
	`<PublishResult><MessageId>coldstart-1</MessageId></PublishResult>` +
	`<ResponseMetadata><RequestId>coldstart-r1</RequestId></ResponseMetadata></PublishResponse>`

func startSNS() (*fakeSNS, error) {
	f := &fakeSNS{}
	var err error
	f.loopback, err = serveLoopback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if !strings.Contains(string(body), "Action=Publish") {
			http.Error(w, "only Publish", http.StatusBadRequest)
			return
		}
		f.publishes.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(publishAnswer))
	}))
	return f, err
}
