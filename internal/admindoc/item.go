package admindoc

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// DecodeItem returns the normalized document labelled label from item, a
// stored item its caller fetched itself (in a BatchGetItem with others);
// when item is nil, the built-in document of that label, or 404.
func (s *Store[T]) DecodeItem(item map[string]types.AttributeValue, label string) (Record[T], error) {
	var rec Record[T]
	if item == nil {
		b, ok := s.def.builtin(label)
		if !ok {
			return rec, s.NotFound(label)
		}
		rec.Doc = b
	} else {
		var err error
		if rec, err = s.decode(item, label); err != nil {
			return rec, err
		}
	}
	s.def.Normalize(&rec.Doc)
	return rec, nil
}
