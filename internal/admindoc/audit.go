package admindoc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Who changed which part of the configuration, when, and what it was before
// and after. An entry is written in the same transaction as the change it
// describes, so neither exists without the other.

// AuditEntry is one recorded change, as read back.
type AuditEntry struct {
	ID      string         `json:"id"`                // opaque: where the entry is (see GetAuditEntry)
	Section string         `json:"section"`           // "general", "verification-levels"...
	Subject string         `json:"subject,omitempty"` // the item changed, in a collection (a level's label)
	Actor   string         `json:"actor"`
	At      time.Time      `json:"at"`
	Version int64          `json:"version"` // the version the change produced (0 for a delete)
	Before  map[string]any `json:"before"`  // nil when created
	After   map[string]any `json:"after"`   // nil when deleted
}

// storedAudit is an entry's own attributes; the snapshots are the "before"
// and "after" attributes, maps or NULL.
type storedAudit struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	Type    string `dynamodbav:"type"`
	ID      string `dynamodbav:"id"`
	Section string `dynamodbav:"section"`
	Subject string `dynamodbav:"subject,omitempty"`
	Actor   string `dynamodbav:"actor"`
	At      string `dynamodbav:"at"`
	Version int64  `dynamodbav:"version"`
}

// change is what an audit entry records of one write.
type change struct {
	section, subject, actor string
	at                      time.Time
	version                 int64
	before, after           any // documents; nil for nothing
}

// auditCheck is the transaction item that records c. Entries are never
// overwritten; an id collision (64 random bits) fails the write.
func auditCheck(c change) (Check, error) {
	before, err := marshalDoc(c.before)
	if err != nil {
		return Check{}, fmt.Errorf("audit before: %w", err)
	}
	after, err := marshalDoc(c.after)
	if err != nil {
		return Check{}, fmt.Errorf("audit after: %w", err)
	}
	id := newID()
	key := dynamo.AuditKey(c.section, c.at, id)
	item, err := dynamo.MarshalItem(storedAudit{
		PK: key.PK, SK: key.SK, Type: dynamo.TypeAudit, ID: id, Section: c.section, Subject: c.subject,
		Actor: c.actor, At: c.at.UTC().Format(time.RFC3339Nano), Version: c.version,
	}, map[string]types.AttributeValue{"before": before, "after": after})
	if err != nil {
		return Check{}, fmt.Errorf("marshal audit entry: %w", err)
	}
	return Check{
		Item: types.TransactWriteItem{Put: &types.Put{Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		Err:  apperr.Internalf("write audit entry", fmt.Errorf("audit entry %s exists", id)),
	}, nil
}

// ListAudit returns up to limit entries of section, newest first: the
// first page of ListAuditPage.
func ListAudit(ctx context.Context, t dynamo.Table, section string, limit int32) ([]AuditEntry, error) {
	page, err := ListAuditPage(ctx, t, section, int(limit), "")
	return page.Items, err
}

func decodeAudit(av map[string]types.AttributeValue) (AuditEntry, error) {
	var it storedAudit
	if err := dynamo.UnmarshalItem(av, &it, "before", "after"); err != nil {
		return AuditEntry{}, fmt.Errorf("unmarshal audit entry: %w", err)
	}
	at, _ := time.Parse(time.RFC3339Nano, it.At)
	id := position{section: it.Section, sk: it.SK}.String()
	e := AuditEntry{ID: id, Section: it.Section, Subject: it.Subject, Actor: it.Actor, At: at, Version: it.Version}
	if err := decodeSnapshot(av["before"], &e.Before); err != nil {
		return e, err
	}
	return e, decodeSnapshot(av["after"], &e.After)
}

func decodeSnapshot(av types.AttributeValue, into *map[string]any) error {
	if av == nil {
		return nil
	}
	if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
		return nil
	}
	if err := attributevalue.Unmarshal(av, into); err != nil {
		return fmt.Errorf("unmarshal audit snapshot: %w", err)
	}
	return nil
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
