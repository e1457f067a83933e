package apptest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/middleware"

	"clientarea/internal/devtools/iamrecord"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/config"
)

// There is no AWS account to deploy to here, so nothing else would notice a
// function whose code makes a call its template.yaml policies do not allow
// until it failed in AWS. So every AWS call a function's code makes in a
// test is recorded (IAM action, resource, DynamoDB partition key) by a
// middleware in the SDK configuration the code builds its clients from,
// whoever builds them, and when the test ends each call is checked against
// that function's policies (samtemplate.Function.Allows). Under `make test`
// the calls are also written out, and iamcheck fails the run for every
// permission the template grants that no test used.
//
// Which function a call is made as: a handler's (Env.Handler) calls are its
// function's; calls through Env.Deps are those of the function the
// environment stands for (NewFor), or the test's own (New: set-up and
// inspection, such as reading audit entries), which no function makes and
// nothing checks.

// recorderID names the recording middleware in the SDK's stack.
const recorderID = "apptest.IAMRecorder"

// iamLog is the record of one test's calls.
type iamLog struct {
	mu    sync.Mutex
	calls map[iamrecord.Record]bool
}

// template is template.yaml, read once per test process.
var template = sync.OnceValues(samtemplate.Find)

func mustTemplate(t testing.TB) *samtemplate.Template {
	t.Helper()
	tpl, err := template()
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// newIAMLog starts t's record; the check runs when t ends.
func newIAMLog(t testing.TB) *iamLog {
	l := &iamLog{calls: map[iamrecord.Record]bool{}}
	t.Cleanup(func() { l.check(t) })
	return l
}

// as returns the SDK option that records the calls of the clients built
// with it as fn's. Added to a configuration that already records, it
// takes the place of the earlier recorder, so a handler's copy of an
// environment's configuration records as the handler's function.
func (l *iamLog) as(fn string) func(*middleware.Stack) error {
	m := middleware.InitializeMiddlewareFunc(recorderID, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		l.note(fn, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), in.Parameters)
		return next.HandleInitialize(ctx, in)
	})
	return func(s *middleware.Stack) error {
		if _, ok := s.Initialize.Get(recorderID); ok {
			_, err := s.Initialize.Swap(recorderID, m)
			return err
		}
		return s.Initialize.Add(m, middleware.After)
	}
}

// recordAs returns a copy of cfg whose clients record their calls as fn's.
func (l *iamLog) recordAs(cfg aws.Config, fn string) aws.Config {
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), l.as(fn))
	return cfg
}

func (l *iamLog) note(fn, service, operation string, params any) {
	tpl, err := template()
	if err != nil {
		return // the check reports it
	}
	// An IAM action's prefix is its SDK service id, lower-cased, without
	// spaces: dynamodb, sns, secretsmanager, translate.
	action := strings.ToLower(strings.ReplaceAll(service, " ", "")) + ":" + operation
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range iamCalls(tpl, action, params) {
		l.calls[iamrecord.Record{Function: fn, Call: c}] = true
	}
}

// unknownPartition is the key of a DynamoDB call whose partition cannot be
// told: no LeadingKeys condition allows it, so the test says so.
const unknownPartition = "<unknown partition>"

// iamCalls is what IAM authorizes for one SDK call. Actions without
// resource-level permissions (translate:TranslateText), and any this does
// not know, are checked against Resource "*"; a DynamoDB call this does
// not know has an unknown partition, so a limited policy denies it until
// it is taught here.
func iamCalls(tpl *samtemplate.Template, action string, params any) []samtemplate.Call {
	// Every table a test uses stands for the template's one table.
	table, _ := tpl.ARN(tpl.TableID)
	item := func(action string, key map[string]types.AttributeValue) samtemplate.Call {
		return samtemplate.Call{Action: action, Resource: table, LeadingKey: partition(tpl, key)}
	}
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		return []samtemplate.Call{item(action, in.Key)}
	case *dynamodb.PutItemInput:
		return []samtemplate.Call{item(action, in.Item)}
	case *dynamodb.UpdateItemInput:
		return []samtemplate.Call{item(action, in.Key)}
	case *dynamodb.DeleteItemInput:
		return []samtemplate.Call{item(action, in.Key)}
	case *dynamodb.QueryInput:
		c := samtemplate.Call{Action: action, Resource: table, LeadingKey: queryPartition(tpl, in)}
		if in.IndexName != nil {
			c.Resource += "/index/" + *in.IndexName
		}
		return []samtemplate.Call{c}
	case *dynamodb.BatchGetItemInput:
		// One authorization per table for every partition of the batch
		// (IAM's ForAllValues over all of them).
		var out []samtemplate.Call
		for _, req := range in.RequestItems {
			var keys []string
			for _, k := range req.Keys {
				keys = append(keys, partition(tpl, k))
			}
			out = append(out, samtemplate.Call{Action: action, Resource: table, LeadingKey: samtemplate.LeadingKeys(keys...)})
		}
		return out
	case *dynamodb.BatchWriteItemInput:
		var out []samtemplate.Call
		for _, writes := range in.RequestItems {
			var keys []string
			for _, w := range writes {
				switch {
				case w.PutRequest != nil:
					keys = append(keys, partition(tpl, w.PutRequest.Item))
				case w.DeleteRequest != nil:
					keys = append(keys, partition(tpl, w.DeleteRequest.Key))
				}
			}
			out = append(out, samtemplate.Call{Action: action, Resource: table, LeadingKey: samtemplate.LeadingKeys(keys...)})
		}
		return out
	case *dynamodb.TransactGetItemsInput:
		// Each read of a transaction is authorized as a GetItem.
		var out []samtemplate.Call
		for _, it := range in.TransactItems {
			if it.Get != nil {
				out = append(out, item("dynamodb:GetItem", it.Get.Key))
			}
		}
		return out
	case *dynamodb.TransactWriteItemsInput:
		// A transaction needs the permission of each of its item operations.
		var out []samtemplate.Call
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				out = append(out, item("dynamodb:PutItem", it.Put.Item))
			case it.Update != nil:
				out = append(out, item("dynamodb:UpdateItem", it.Update.Key))
			case it.Delete != nil:
				out = append(out, item("dynamodb:DeleteItem", it.Delete.Key))
			case it.ConditionCheck != nil:
				out = append(out, item("dynamodb:ConditionCheckItem", it.ConditionCheck.Key))
			}
		}
		return out
	case *sns.PublishInput:
		// An SMS goes to a phone number, which has no ARN.
		resource := "*"
		if in.TopicArn != nil {
			resource = *in.TopicArn
		} else if in.TargetArn != nil {
			resource = *in.TargetArn
		}
		return []samtemplate.Call{{Action: action, Resource: resource}}
	case *secretsmanager.GetSecretValueInput:
		// A secret may be named by name or ARN; IAM sees the ARN.
		id := aws.ToString(in.SecretId)
		if !strings.HasPrefix(id, "arn:") {
			id = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s", samtemplate.TestRegion, samtemplate.TestAccount, id)
		}
		return []samtemplate.Call{{Action: action, Resource: id}}
	}
	if strings.HasPrefix(action, "dynamodb:") {
		return []samtemplate.Call{{Action: action, Resource: table, LeadingKey: unknownPartition}}
	}
	return []samtemplate.Call{{Action: action, Resource: "*"}}
}

// hashKey is the name of the table's partition key attribute.
func hashKey(tpl *samtemplate.Template) string {
	for _, k := range tpl.Table.KeySchema {
		if k.KeyType == "HASH" {
			return k.AttributeName
		}
	}
	return ""
}

func partition(tpl *samtemplate.Template, key map[string]types.AttributeValue) string {
	if s, ok := key[hashKey(tpl)].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return unknownPartition
}

// keyEquality finds "name = :value" in a key condition.
var keyEquality = regexp.MustCompile(`([#\w]+)\s*=\s*(:\w+)`)

// queryPartition is the value the key condition gives the partition key.
func queryPartition(tpl *samtemplate.Template, in *dynamodb.QueryInput) string {
	for _, m := range keyEquality.FindAllStringSubmatch(aws.ToString(in.KeyConditionExpression), -1) {
		name := m[1]
		if alias, ok := in.ExpressionAttributeNames[name]; ok {
			name = alias
		}
		if name == hashKey(tpl) {
			return partition(tpl, map[string]types.AttributeValue{name: in.ExpressionAttributeValues[m[2]]})
		}
	}
	return unknownPartition
}

// check fails t for every recorded call the policies of the function that
// made it do not allow, and passes the calls on to iamcheck.
func (l *iamLog) check(t testing.TB) {
	tpl := mustTemplate(t)
	l.mu.Lock()
	defer l.mu.Unlock()
	var denied []string
	var records []iamrecord.Record
	for r := range l.calls {
		if r.Function == "" {
			continue // the test's own call
		}
		records = append(records, r)
		f, ok := tpl.Function(r.Function)
		if !ok {
			denied = append(denied, fmt.Sprintf("function %s is not in template.yaml", r.Function))
		} else if !f.Allows(r.Call) {
			denied = append(denied, fmt.Sprintf("function %s made a call its template.yaml policies do not allow: %s", r.Function, r.Call))
		}
	}
	sort.Strings(denied)
	for _, d := range slices.Compact(denied) {
		t.Error(d)
	}
	if err := iamrecord.Append(records); err != nil {
		t.Error(err)
	}
}

// ARN is the ARN of the template resource logicalID in the stack the
// policies are checked against (samtemplate.Template.ARN): a test standing
// in for that resource (a secret, a topic) uses it.
func ARN(t testing.TB, logicalID string) string {
	t.Helper()
	arn, err := mustTemplate(t).ARN(logicalID)
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

// AWS returns the SDK configuration for cfg with every call of the clients
// built from it recorded as function fn's and checked when t ends: for
// tests of fn's code that need no table.
func AWS(t testing.TB, fn string, cfg config.Config) aws.Config {
	t.Helper()
	awsCfg, err := awsclients.Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return newIAMLog(t).recordAs(awsCfg, fn)
}
