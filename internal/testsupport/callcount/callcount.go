// Package callcount counts the AWS calls a function's code makes: every
// operation of every client built from an SDK configuration it
// instruments (DynamoDB, SNS, Translate...), which function made it, what
// it touched and what it cost. It is a middleware in the configuration's
// APIOptions, as apptest's IAM recorder is, so it sees the calls of every
// client whoever builds it, through the real SDK.
//
// With Capacity, DynamoDB requests are sent with ReturnConsumedCapacity
// TOTAL, so each call also carries the capacity units DynamoDB charged for
// it. Only the tests ask for that: production code never does.
package callcount

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"clientarea/internal/platform/dynamo"
)

// HashKey is the name of the table's partition key attribute.
const HashKey = "PK"

// Call is one SDK operation: one call of a client method, however many
// HTTP attempts its retries took.
type Call struct {
	Function  string // the function whose configuration made it
	Service   string // the SDK's service id: "DynamoDB", "SNS", "Translate"
	Operation string // "GetItem", "Publish"...
	// Items is how many items the call names: 1 for a single-item call,
	// the keys of a batch, the items of a transaction (0 for a Query).
	Items int
	// Partitions are the DynamoDB partition keys it touches, sorted and
	// unique ("?" where the request does not tell).
	Partitions []string
	// Keys are the items a read named (GetItem, BatchGetItem,
	// TransactGetItems) or, for a Query, answered with (a projection
	// without the partition key takes it from the key condition).
	Keys []dynamo.Key
	// Consistent is a strongly consistent read (GetItem, Query,
	// BatchGetItem with ConsistentRead).
	Consistent bool
	// Returned is how many items a read answered with.
	Returned int
	// ReadUnits and WriteUnits are the capacity DynamoDB reported for
	// the call (with Capacity only; 0 otherwise, and for failed calls).
	ReadUnits, WriteUnits float64
	// Attempts is how many HTTP requests the call took (1 unless retried).
	Attempts int
	// Failed is whether the call returned an error.
	Failed bool
}

// Name is the call as an IAM action names it: "dynamodb:GetItem".
func (c Call) Name() string {
	return strings.ToLower(strings.ReplaceAll(c.Service, " ", "")) + ":" + c.Operation
}

func (c Call) String() string {
	s := c.Function + " " + c.Name()
	if c.Items > 1 {
		s += fmt.Sprintf(" (%d items)", c.Items)
	}
	if len(c.Partitions) > 0 {
		s += " " + strings.Join(c.Partitions, ",")
	}
	return s
}

// Recorder collects the calls of the configurations it instruments.
type Recorder struct {
	capacity bool

	mu    sync.Mutex
	calls []Call
}

// New returns a recorder. With capacity, DynamoDB calls ask for their
// consumed capacity (ReturnConsumedCapacity TOTAL) and record it.
func New(capacity bool) *Recorder { return &Recorder{capacity: capacity} }

// middleware ids in the SDK's stacks.
const (
	recorderID = "callcount.Recorder"
	attemptID  = "callcount.Attempt"
)

// attemptsKey holds a call's attempt counter in its context.
type attemptsKey struct{}

// Option is the SDK option that records the calls of the clients built
// with it as function fn's. Added to a configuration that already
// records, it takes the place of the earlier one, so a copy of a
// configuration can record as another function.
func (r *Recorder) Option(fn string) func(*middleware.Stack) error {
	record := middleware.InitializeMiddlewareFunc(recorderID, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if r.capacity {
			in.Parameters = withCapacity(in.Parameters)
		}
		attempts := new(int)
		ctx = middleware.WithStackValue(ctx, attemptsKey{}, attempts)
		out, md, err := next.HandleInitialize(ctx, in)
		c := describe(in.Parameters, out.Result)
		c.Function = fn
		c.Service, c.Operation = awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
		c.Attempts, c.Failed = *attempts, err != nil
		r.mu.Lock()
		r.calls = append(r.calls, c)
		r.mu.Unlock()
		return out, md, err
	})
	attempt := middleware.FinalizeMiddlewareFunc(attemptID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if n, ok := middleware.GetStackValue(ctx, attemptsKey{}).(*int); ok {
			*n++
		}
		return next.HandleFinalize(ctx, in)
	})
	return func(s *middleware.Stack) error {
		if _, ok := s.Initialize.Get(recorderID); ok {
			if _, err := s.Initialize.Swap(recorderID, record); err != nil {
				return err
			}
		} else if err := s.Initialize.Add(record, middleware.After); err != nil {
			return err
		}
		if _, ok := s.Finalize.Get(attemptID); ok {
			return nil
		}
		// After the retry middleware, each attempt passes here.
		if err := s.Finalize.Insert(attempt, "Retry", middleware.After); err != nil {
			return s.Finalize.Add(attempt, middleware.After)
		}
		return nil
	}
}

// Instrument returns a copy of cfg whose clients record their calls as
// function fn's.
func (r *Recorder) Instrument(cfg aws.Config, fn string) aws.Config {
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), r.Option(fn))
	return cfg
}

// Take returns the calls recorded since the last Take, oldest first, and
// forgets them.
func (r *Recorder) Take() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	calls := r.calls
	r.calls = nil
	return calls
}

// Count is how many calls of each name ("dynamodb:GetItem") calls hold.
func Count(calls []Call) map[string]int {
	n := map[string]int{}
	for _, c := range calls {
		n[c.Name()]++
	}
	return n
}

// Of returns the calls function fn made.
func Of(calls []Call, fn string) []Call {
	var out []Call
	for _, c := range calls {
		if c.Function == fn {
			out = append(out, c)
		}
	}
	return out
}

// Summary is calls as one line per name, sorted: "dynamodb:GetItem ×2".
func Summary(calls []Call) string {
	n := Count(calls)
	names := make([]string, 0, len(n))
	for name := range n {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, fmt.Sprintf("%s ×%d", name, n[name]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// withCapacity is a copy of a DynamoDB request that asks for its consumed
// capacity; any other request as it is.
func withCapacity(params any) any {
	total := types.ReturnConsumedCapacityTotal
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.PutItemInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.UpdateItemInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.DeleteItemInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.QueryInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.ScanInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.BatchGetItemInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.BatchWriteItemInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.TransactGetItemsInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	case *dynamodb.TransactWriteItemsInput:
		c := *in
		c.ReturnConsumedCapacity = total
		return &c
	}
	return params
}

// describe reads what a call touched from its request, and what it cost
// and returned from its response (nil when it failed).
func describe(params, result any) Call {
	var c Call
	parts := map[string]bool{}
	add := func(key map[string]types.AttributeValue) { parts[partition(key)] = true }
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		c.Items, c.Consistent = 1, aws.ToBool(in.ConsistentRead)
		add(in.Key)
		c.Keys = append(c.Keys, dynamo.KeyOf(in.Key))
	case *dynamodb.PutItemInput:
		c.Items = 1
		add(in.Item)
	case *dynamodb.UpdateItemInput:
		c.Items = 1
		add(in.Key)
	case *dynamodb.DeleteItemInput:
		c.Items = 1
		add(in.Key)
	case *dynamodb.QueryInput:
		c.Consistent = aws.ToBool(in.ConsistentRead)
		parts[queryPartition(in)] = true
	case *dynamodb.ScanInput:
		c.Consistent = aws.ToBool(in.ConsistentRead)
		parts["*"] = true
	case *dynamodb.BatchGetItemInput:
		c.Consistent = true
		for _, req := range in.RequestItems {
			c.Items += len(req.Keys)
			c.Consistent = c.Consistent && aws.ToBool(req.ConsistentRead)
			for _, k := range req.Keys {
				add(k)
				c.Keys = append(c.Keys, dynamo.KeyOf(k))
			}
		}
	case *dynamodb.BatchWriteItemInput:
		for _, writes := range in.RequestItems {
			for _, w := range writes {
				c.Items++
				switch {
				case w.PutRequest != nil:
					add(w.PutRequest.Item)
				case w.DeleteRequest != nil:
					add(w.DeleteRequest.Key)
				}
			}
		}
	case *dynamodb.TransactGetItemsInput:
		c.Consistent = true
		for _, it := range in.TransactItems {
			c.Items++
			if it.Get != nil {
				add(it.Get.Key)
				c.Keys = append(c.Keys, dynamo.KeyOf(it.Get.Key))
			}
		}
	case *dynamodb.TransactWriteItemsInput:
		for _, it := range in.TransactItems {
			c.Items++
			switch {
			case it.Put != nil:
				add(it.Put.Item)
			case it.Update != nil:
				add(it.Update.Key)
			case it.Delete != nil:
				add(it.Delete.Key)
			case it.ConditionCheck != nil:
				add(it.ConditionCheck.Key)
			}
		}
	}
	for p := range parts {
		c.Partitions = append(c.Partitions, p)
	}
	sort.Strings(c.Partitions)

	read := func(cc *types.ConsumedCapacity) {
		if cc != nil {
			c.ReadUnits += aws.ToFloat64(cc.CapacityUnits)
		}
	}
	write := func(cc *types.ConsumedCapacity) {
		if cc != nil {
			c.WriteUnits += aws.ToFloat64(cc.CapacityUnits)
		}
	}
	switch out := result.(type) {
	case *dynamodb.GetItemOutput:
		read(out.ConsumedCapacity)
		if out.Item != nil {
			c.Returned = 1
		}
	case *dynamodb.QueryOutput:
		read(out.ConsumedCapacity)
		c.Returned = len(out.Items)
		for _, it := range out.Items {
			k := dynamo.KeyOf(it)
			if k.PK == "" && len(c.Partitions) == 1 {
				k.PK = c.Partitions[0]
			}
			c.Keys = append(c.Keys, k)
		}
	case *dynamodb.ScanOutput:
		read(out.ConsumedCapacity)
		c.Returned = len(out.Items)
	case *dynamodb.BatchGetItemOutput:
		for i := range out.ConsumedCapacity {
			read(&out.ConsumedCapacity[i])
		}
		for _, items := range out.Responses {
			c.Returned += len(items)
		}
	case *dynamodb.TransactGetItemsOutput:
		for i := range out.ConsumedCapacity {
			read(&out.ConsumedCapacity[i])
		}
		c.Returned = len(out.Responses)
	case *dynamodb.PutItemOutput:
		write(out.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		write(out.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		write(out.ConsumedCapacity)
	case *dynamodb.BatchWriteItemOutput:
		for i := range out.ConsumedCapacity {
			write(&out.ConsumedCapacity[i])
		}
	case *dynamodb.TransactWriteItemsOutput:
		for i := range out.ConsumedCapacity {
			write(&out.ConsumedCapacity[i])
		}
	}
	return c
}

// unknown stands for a partition a request does not tell.
const unknown = "?"

func partition(key map[string]types.AttributeValue) string {
	if s, ok := key[HashKey].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return unknown
}

// keyEquality finds "name = :value" in a key condition.
var keyEquality = regexp.MustCompile(`([#\w]+)\s*=\s*(:\w+)`)

// queryPartition is the value a Query's key condition gives the
// partition key.
func queryPartition(in *dynamodb.QueryInput) string {
	for _, m := range keyEquality.FindAllStringSubmatch(aws.ToString(in.KeyConditionExpression), -1) {
		name := m[1]
		if alias, ok := in.ExpressionAttributeNames[name]; ok {
			name = alias
		}
		if name == HashKey {
			return partition(map[string]types.AttributeValue{HashKey: in.ExpressionAttributeValues[m[2]]})
		}
	}
	return unknown
}
