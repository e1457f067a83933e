package main

// The DynamoDB Local the functions answer from, and a yardstick for it.

import (
	"context"
	"fmt"
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
