package main

// The DynamoDB Local the functions answer from, and a yardstick for it.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/dynamo"
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
	db, err := newDBClient(ctx, endpoint)
	if err != nil {
		return err
	}
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(tableName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("scan for send limits: %w", err)
		}
		for _, it := range page.Items {
			pk, _ := it["PK"].(*types.AttributeValueMemberS)
			if pk == nil || !(strings.HasPrefix(pk.Value, "RATE#") || strings.HasPrefix(pk.Value, "OTP#")) {
				continue
			}
			if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(tableName),
				Key: map[string]types.AttributeValue{"PK": it["PK"], "SK": it["SK"]}}); err != nil {
				return fmt.Errorf("forget send limit: %w", err)
			}
		}
	}
	return nil
}
