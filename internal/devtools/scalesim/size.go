package main

import (
	"math"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// What DynamoDB charges, from its documentation ("Item sizes and formats",
// "Read and write operations"): an item's size is the sum of its
// attribute names' and values' sizes; a strongly consistent read costs one
// read unit per 4 KB of it (rounded up; an eventually consistent read
// half), a write one write unit per 1 KB (a transactional one twice).
const (
	readUnitBytes  = 4096
	writeUnitBytes = 1024
)

// itemSize is an item's size in bytes by DynamoDB's rules.
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for name, v := range item {
		n += len(name) + valueSize(v)
	}
	return n
}

// valueSize is a value's size without its name: strings and binaries
// their bytes, a number a byte per two significant digits and one more,
// null and booleans a byte, a list or map 3 bytes and a byte per element
// besides its elements (and a map's keys).
func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberSize(s)
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	return 0
}

// numberSize is (significant digits)/2, rounded up, plus one.
func numberSize(s string) int {
	s = strings.TrimLeft(s, "+-")
	mantissa, _, _ := strings.Cut(strings.ToLower(s), "e")
	digits := strings.ReplaceAll(mantissa, ".", "")
	digits = strings.Trim(digits, "0")
	if digits == "" {
		return 1
	}
	return (len(digits)+1)/2 + 1
}

// readUnits is what reading size bytes costs: strongly consistent, or
// eventually consistent (half).
func readUnits(size int, consistent bool) float64 {
	units := math.Ceil(float64(size) / readUnitBytes)
	if !consistent {
		return units / 2
	}
	return units
}

// batchReadUnits is a BatchGetItem's cost: each item rounded up on its
// own (a Query rounds the sum).
func batchReadUnits(sizes []int, consistent bool) float64 {
	var units float64
	for _, s := range sizes {
		units += readUnits(s, consistent)
	}
	return units
}

// queryReadUnits is a Query's cost: the sum of the items' sizes, rounded
// up once.
func queryReadUnits(sizes []int, consistent bool) float64 {
	total := 0
	for _, s := range sizes {
		total += s
	}
	return readUnits(total, consistent)
}

// writeUnits is what writing an item of size bytes costs, in a
// transaction twice.
func writeUnits(size int, transactional bool) float64 {
	units := math.Ceil(float64(max(size, 1)) / writeUnitBytes)
	if transactional {
		return 2 * units
	}
	return units
}
