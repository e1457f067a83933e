package main

// The DynamoDB Local the functions answer from, and a yardstick for it.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/session"
	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/principal"
)

// startDynamoDB starts an in-memory DynamoDB Local on a free port and
// creates the service's table in it from template.yaml, as testenv and
// dbtest do.
func startDynamoDB(ctx context.Context, tpl *samtemplate.Template) (*dynamolocal.Server, error) {
	jar, err := dynamolocal.Jar(tpl.Dir)
	if err != nil {
		return nil, err
	}
	srv, err := dynamolocal.Start(ctx, jar, dynamolocal.Options{})
	if err != nil {
		return nil, err
	}
	db, err := newDBClient(ctx, srv.Endpoint)
	if err == nil {
		err = dynamolocal.CreateTable(ctx, db, tableName, tpl.Table)
	}
	if err == nil {
		err = warmDynamoDB(ctx, db, dbWarmUp)
	}
	if err != nil {
		srv.Stop()
		return nil, err
	}
	return srv, nil
}

// newDBClient builds a client as a function's cold start does (with the
// sandbox's credentials): a fresh SDK configuration, hence a fresh
// connection pool.
func newDBClient(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	awsCfg := aws.Config{Region: region,
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, sessionToken)}
	return dynamo.NewClient(awsCfg, endpoint), nil
}

// dbWarmUp is how long DynamoDB Local serves requests before any is timed.
const dbWarmUp = 8 * time.Second

// dbSettle is the pause after the warm-up.
const dbSettle = 2 * time.Second

// warmDynamoDB sends the kinds of request the functions make (GetItem and
// a Query of the configuration partition) for d. A freshly started DynamoDB
// Local answers its first requests from a JVM that has not compiled its
// code yet, several times slower than later: that is DynamoDB Local's cold
// start, not the functions', and a deployed DynamoDB has none.
func warmDynamoDB(ctx context.Context, db *dynamodb.Client, d time.Duration) error {
	key := map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "CONFIG"},
		"SK": &types.AttributeValueMemberS{Value: "SECTION#general"},
	}
	query := &dynamodb.QueryInput{
		TableName:              aws.String(tableName),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "CONFIG"}, ":prefix": &types.AttributeValueMemberS{Value: "LEVEL#"},
		},
		ConsistentRead: aws.Bool(true),
	}
	for end := time.Now().Add(d); time.Now().Before(end); {
		if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tableName), Key: key, ConsistentRead: aws.Bool(true)}); err != nil {
			return fmt.Errorf("warm DynamoDB Local up: %w", err)
		}
		if _, err := db.Query(ctx, query); err != nil {
			return fmt.Errorf("warm DynamoDB Local up: %w", err)
		}
	}
	// The JVM goes on compiling for a moment after the load stops; let it
	// finish rather than compete with the first timed starts for the CPU.
	time.Sleep(dbSettle)
	return nil
}

// dbFirstCalls times n first GetItems of fresh clients: the share of a
// function's first answer that is DynamoDB Local's (a new connection and
// one request), not the function's.
func dbFirstCalls(ctx context.Context, endpoint string, n int) ([]time.Duration, error) {
	var ds []time.Duration
	for range n {
		db, err := newDBClient(ctx, endpoint)
		if err != nil {
			return nil, err
		}
		began := time.Now()
		_, err = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tableName),
			Key: map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "CONFIG"},
				"SK": &types.AttributeValueMemberS{Value: "coldstart-probe"},
			}})
		if err != nil {
			return nil, fmt.Errorf("DynamoDB Local GetItem: %w", err)
		}
		ds = append(ds, time.Since(began))
	}
	return ds, nil
}

// forgetSendLimits deletes the SMS send limits and codes, so that the next
// start may send to the same number again.
func forgetSendLimits(ctx context.Context, endpoint string) error {
	return forget(ctx, endpoint, "RATE#", "OTP#")
}

// forget deletes every item whose partition key starts with one of
// prefixes: what a start left behind that would change the next one's
// answer.
func forget(ctx context.Context, endpoint string, prefixes ...string) error {
	db, err := newDBClient(ctx, endpoint)
	if err != nil {
		return err
	}
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(tableName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("scan for %v items: %w", prefixes, err)
		}
		for _, it := range page.Items {
			pk, _ := it["PK"].(*types.AttributeValueMemberS)
			if pk == nil || !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(pk.Value, p) }) {
				continue
			}
			if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(tableName),
				Key: map[string]types.AttributeValue{"PK": it["PK"], "SK": it["SK"]}}); err != nil {
				return fmt.Errorf("forget %s: %w", pk.Value, err)
			}
		}
	}
	return nil
}

// liveSession creates a client and a session of it in the table, as the
// auth function would at login, and returns the session's access token:
// what the authorizer's event carries. The session lives as long as the
// configuration's defaults allow (an hour idle, twelve in all), longer
// than any run; the authorizer keeps it alive (its sliding expiry writes
// the client's profile too, which therefore exists).
func liveSession(ctx context.Context, endpoint string) (string, error) {
	db, err := newDBClient(ctx, endpoint)
	if err != nil {
		return "", err
	}
	table := dynamo.Table{DB: db, Name: tableName}
	now := clock.System{}
	c := clients.Client{ID: clients.NewID(), Email: "coldstart-" + clients.NewID() + "@example.com",
		EmailState: clients.Confirmed, PhoneState: clients.NotRequired, Type: "personal", Language: "en", CreatedAt: now.Now()}
	if err := (clients.Store{Table: table, Clock: now}).Create(ctx, c); err != nil {
		return "", fmt.Errorf("create the bench's client: %w", err)
	}
	lim := session.Limits{Idle: time.Hour, Refresh: 2 * time.Hour, Absolute: 12 * time.Hour}
	tokens, err := (session.Store{Table: table, Clock: now}).Create(ctx, c.ID, principal.ScopeFull, lim)
	if err != nil {
		return "", fmt.Errorf("create the bench's session: %w", err)
	}
	return tokens.Token, nil
}
