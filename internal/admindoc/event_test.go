package admindoc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// putDB keeps the PutItem it was sent and answers err.
type putDB struct {
	dynamo.API
	err error
	in  *dynamodb.PutItemInput
}

func (p *putDB) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	p.in = in
	return &dynamodb.PutItemOutput{}, p.err
}

// An event is one new item in its section's audit partition, never
// overwriting another, that reads back like a change: no version, nothing
// before, its details after.
func TestRecordEventWritesAnAuditEntry(t *testing.T) {
	db := &putDB{}
	at := time.Date(2100, 3, 1, 9, 30, 0, 0, time.UTC)
	details := map[string]any{"to": "+49*********78", "expires_at": "2100-03-01T09:35:00Z"}
	if err := RecordEvent(context.Background(), dynamo.Table{DB: db, Name: "t"}, "security-test-sms", "admin-7", at, details); err != nil {
		t.Fatal(err)
	}
	in := db.in
	if aws.ToString(in.TableName) != "t" || aws.ToString(in.ConditionExpression) != "attribute_not_exists(PK)" {
		t.Fatalf("put %+v", in)
	}
	if pk := in.Item["PK"].(*types.AttributeValueMemberS).Value; pk != "AUDIT#security-test-sms" {
		t.Fatalf("partition %q", pk)
	}
	if sk := in.Item["SK"].(*types.AttributeValueMemberS).Value; !strings.HasPrefix(sk, at.Format(dynamo.SortableTime)+"#") {
		t.Fatalf("sort key %q does not order the entry by its time", sk)
	}
	if typ := in.Item["type"].(*types.AttributeValueMemberS).Value; typ != dynamo.TypeAudit {
		t.Fatalf("type %q", typ)
	}
	e, err := decodeAudit(in.Item)
	if err != nil {
		t.Fatal(err)
	}
	if e.Section != "security-test-sms" || e.Actor != "admin-7" || !e.At.Equal(at) || e.Version != 0 || e.Before != nil ||
		e.After["to"] != "+49*********78" || e.After["expires_at"] != "2100-03-01T09:35:00Z" || e.ID == "" {
		t.Fatalf("entry %+v", e)
	}
}

func TestRecordEventFailures(t *testing.T) {
	table := dynamo.Table{DB: &putDB{}, Name: "t"}
	now := time.Now()
	if err := RecordEvent(context.Background(), table, "", "admin-7", now, nil); err == nil {
		t.Fatal("an event without a section was recorded")
	}
	if err := RecordEvent(context.Background(), table, "security-test-sms", "", now, nil); err == nil {
		t.Fatal("an event without an actor was recorded")
	}
	table.DB = &putDB{err: errors.New("throttled")}
	err := RecordEvent(context.Background(), table, "security-test-sms", "admin-7", now, nil)
	if err == nil || !strings.Contains(err.Error(), "security-test-sms") || !strings.Contains(err.Error(), "throttled") {
		t.Fatalf("error %v, want the section and the cause", err)
	}
}
