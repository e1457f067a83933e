package session_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
	"clientarea/internal/testsupport/latency"
)

// BenchmarkDecide is the authorizer's cost per client request against
// DynamoDB Local (`make bench`): parsing, the one BatchGetItem of the
// session and two sections, decoding, the checks. The clock stands still,
// so no sliding write is due: that is at most one TransactWriteItems a
// minute per session on top. Compare BenchmarkBareGetItem.
func BenchmarkDecide(b *testing.B) {
	h := setup(b)
	h.setGeneral(30, 60)
	h.setAbsolute(24)
	tok := h.login("c-1", principal.ScopeFull)
	decide := func() {
		if s := h.auth.Decide(ctx, tok.Token, route); s.Verdict != principal.VerdictOK {
			b.Fatalf("verdict %s", s.Verdict)
		}
	}
	warmUp(decide)
	b.ReportAllocs()
	latency.Measure(b, decide)
}

// BenchmarkBareGetItem is one strongly consistent GetItem of the same
// session item on the same table: the floor under BenchmarkDecide.
func BenchmarkBareGetItem(b *testing.B) {
	h := setup(b)
	tok := h.login("c-1", principal.ScopeFull)
	in := &dynamodb.GetItemInput{
		TableName: aws.String(h.table.Name), Key: dynamo.SessionKey(tok.SessionID).KeyAttrs(), ConsistentRead: aws.Bool(true),
	}
	get := func() {
		if out, err := h.table.DB.GetItem(ctx, in); err != nil || out.Item == nil {
			b.Fatalf("GetItem: %v", err)
		}
	}
	warmUp(get)
	b.ReportAllocs()
	latency.Measure(b, get)
}

// warmUp runs op for a second, before anything is timed: DynamoDB
// Local's JVM compiles its hot paths over its first
// seconds of requests, which would otherwise weigh on whichever benchmark
// runs first.
func warmUp(op func()) {
	for end := time.Now().Add(time.Second); time.Now().Before(end); {
		op()
	}
}
