package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FuzzDecodeCursor: a cursor decodes only for the partition it was made
// for, to a sort key; and every cursor EncodeCursor makes decodes back.
func FuzzDecodeCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, partition, cursor, sk string) {
		if strings.Contains(partition, "\x00") {
			return // partitions are the service's own names
		}
		if got, ok := DecodeCursor(partition, cursor); ok {
			if got == "" {
				t.Fatalf("cursor %q of %q: an empty sort key", cursor, partition)
			}
			if _, ok := DecodeCursor(partition+"x", cursor); ok {
				t.Fatalf("cursor %q of %q also decodes for %q", cursor, partition, partition+"x")
			}
		}
		if sk == "" {
			return
		}
		c := EncodeCursor(partition, sk)
		if got, ok := DecodeCursor(partition, c); !ok || got != sk {
			t.Fatalf("EncodeCursor(%q, %q) = %q decodes to %q, %v", partition, sk, c, got, ok)
		}
		if strings.ContainsAny(c, "+/=") {
			t.Fatalf("cursor %q is not URL-safe", c)
		}
	})
}

// pagedTable answers the Queries of QueryPage from a sorted list of sort
// keys, up to each Query's Limit, stopping early after stopAfter items
// (DynamoDB's 1 MB page) when stopAfter > 0.
type pagedTable struct {
	API
	partition string
	sks       []string
	stopAfter int
	queries   int
}

func (p *pagedTable) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	p.queries++
	if p.queries > 1000 {
		return nil, errors.New("QueryPage does not stop")
	}
	start := 0
	if in.ExclusiveStartKey != nil {
		k := KeyOf(in.ExclusiveStartKey)
		if k.PK != p.partition {
			return nil, fmt.Errorf("started in partition %q", k.PK)
		}
		start, _ = slices.BinarySearch(p.sks, k.SK)
		if start < len(p.sks) && p.sks[start] == k.SK {
			start++
		}
	}
	n := int(*in.Limit)
	if p.stopAfter > 0 {
		n = min(n, p.stopAfter)
	}
	end := min(start+n, len(p.sks))
	out := &dynamodb.QueryOutput{}
	for _, sk := range p.sks[start:end] {
		out.Items = append(out.Items, Key{PK: p.partition, SK: sk}.KeyAttrs())
	}
	if end < len(p.sks) || end-start == int(*in.Limit) { // DynamoDB names a key whenever it stops at a limit
		if end > start {
			out.LastEvaluatedKey = Key{PK: p.partition, SK: p.sks[end-1]}.KeyAttrs()
		}
	}
	return out, nil
}

// FuzzQueryPage: a page starts right after its cursor and holds up to
// limit items; its next cursor is there exactly when items are left, and
// names its last item; a cursor that is not one of the list's is refused
// before DynamoDB is asked.
func FuzzQueryPage(f *testing.F) {
	f.Fuzz(func(t *testing.T, cursor string, items uint8, limit uint8, stopAfter uint8) {
		const partition = "AUDIT#general"
		table := &pagedTable{partition: partition, stopAfter: int(stopAfter % 8)}
		for i := range int(items % 40) {
			table.sks = append(table.sks, fmt.Sprintf("k%03d", i*2))
		}
		validSK := func(sk string) bool { return strings.HasPrefix(sk, "k") }
		lim := int(limit%25) + 1
		got, next, err := QueryPage(context.Background(), Table{DB: table}, &dynamodb.QueryInput{}, partition, lim, cursor, validSK)
		if err != nil {
			if !errors.Is(err, ErrBadCursor) {
				t.Fatal(err)
			}
			if sk, ok := DecodeCursor(partition, cursor); ok && validSK(sk) && len(cursor) <= maxCursor {
				t.Fatalf("cursor %q of sort key %q refused", cursor, sk)
			}
			if table.queries != 0 {
				t.Fatalf("a refused cursor %q reached DynamoDB", cursor)
			}
			return
		}
		start := 0
		if cursor != "" {
			sk, ok := DecodeCursor(partition, cursor)
			if !ok || !validSK(sk) || len(cursor) > maxCursor {
				t.Fatalf("cursor %q accepted", cursor)
			}
			start, _ = slices.BinarySearch(table.sks, sk)
			if start < len(table.sks) && table.sks[start] == sk {
				start++
			}
		}
		want := table.sks[start:min(start+lim, len(table.sks))]
		if !slices.Equal(sortKeys(got), want) {
			t.Fatalf("page after %q, limit %d: %v, want %v", cursor, lim, sortKeys(got), want)
		}
		left := start+len(want) < len(table.sks)
		if left != (next != "") {
			t.Fatalf("next cursor %q with items left: %v", next, left)
		}
		if next != "" {
			if sk, ok := DecodeCursor(partition, next); !ok || sk != want[len(want)-1] {
				t.Fatalf("next cursor %q names %q, %v; the page ends at %q", next, sk, ok, want[len(want)-1])
			}
		}
	})
}

func sortKeys(items []map[string]types.AttributeValue) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, KeyOf(it).SK)
	}
	return out
}
