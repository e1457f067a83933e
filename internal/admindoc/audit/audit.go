// Package audit records who changed which part of the configuration, when,
// and what it was before and after. Entries are written in the same DynamoDB
// transaction as the change they describe, so neither exists without the other.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/dynamo"
)

// Entry is one recorded change.
type Entry struct {
	ID      string    `json:"id"`
	Section string    `json:"section"`           // "general", "verification-levels"...
	Subject string    `json:"subject,omitempty"` // the item changed, when a section has many (a level's label)
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
	Version int64     `json:"version"` // the version the change produced (0 for a delete)
	Before  any       `json:"before"`  // nil when created
	After   any       `json:"after"`   // nil when deleted
}

// item is the stored form of an Entry.
type item struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	Type    string `dynamodbav:"type"`
	ID      string `dynamodbav:"id"`
	Section string `dynamodbav:"section"`
	Subject string `dynamodbav:"subject,omitempty"`
	Actor   string `dynamodbav:"actor"`
	At      string `dynamodbav:"at"`
	Version int64  `dynamodbav:"version"`
	// The snapshots are the "before" and "after" attributes, maps or NULL.
}

// Put returns the transaction item that records e. It fills e's ID.
func Put(table string, e Entry) (types.TransactWriteItem, error) {
	if e.ID == "" {
		e.ID = newID()
	}
	before, err := dynamo.MarshalDoc(e.Before)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("audit before: %w", err)
	}
	after, err := dynamo.MarshalDoc(e.After)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("audit after: %w", err)
	}
	key := dynamo.AuditKey(e.Section, e.At, e.ID)
	av, err := dynamo.MarshalItem(item{
		PK: key.PK, SK: key.SK, Type: dynamo.TypeAudit, ID: e.ID, Section: e.Section, Subject: e.Subject,
		Actor: e.Actor, At: e.At.UTC().Format(time.RFC3339Nano), Version: e.Version,
	}, map[string]types.AttributeValue{"before": before, "after": after})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("marshal audit entry: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(table),
		Item:                av,
		ConditionExpression: aws.String("attribute_not_exists(PK)"), // entries are never overwritten
	}}, nil
}

// Record is a stored entry as read back: Before and After are plain JSON values.
type Record struct {
	ID      string         `json:"id"`
	Section string         `json:"section"`
	Subject string         `json:"subject,omitempty"`
	Actor   string         `json:"actor"`
	At      time.Time      `json:"at"`
	Version int64          `json:"version"`
	Before  map[string]any `json:"before"`
	After   map[string]any `json:"after"`
}

// List returns up to limit entries of section, newest first.
func List(ctx context.Context, t dynamo.Table, section string, limit int32) ([]Record, error) {
	out, err := t.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(t.Name),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(dynamo.AuditPartition(section))},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("query audit of %s: %w", section, err)
	}
	recs := make([]Record, 0, len(out.Items))
	for _, av := range out.Items {
		var it item
		if err := dynamo.UnmarshalItem(av, &it, "before", "after"); err != nil {
			return nil, fmt.Errorf("unmarshal audit entry: %w", err)
		}
		at, _ := time.Parse(time.RFC3339Nano, it.At)
		r := Record{ID: it.ID, Section: it.Section, Subject: it.Subject, Actor: it.Actor, At: at, Version: it.Version}
		if err := decodeSnapshot(av["before"], &r.Before); err != nil {
			return nil, err
		}
		if err := decodeSnapshot(av["after"], &r.After); err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

func decodeSnapshot(av types.AttributeValue, into *map[string]any) error {
	if av == nil {
		return nil
	}
	if _, isNull := av.(*types.AttributeValueMemberNULL); isNull {
		return nil
	}
	return attributevalue.Unmarshal(av, into)
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
