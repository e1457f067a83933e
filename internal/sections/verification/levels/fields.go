package levels

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"clientarea/internal/i18n/locales"
	"clientarea/internal/platform/apperr"
)

// keep sets *after to before when it was left out, and records a problem
// when it differs.
func keep(f *apperr.Fields, field, before string, after *string) {
	if *after == "" {
		*after = before
		return
	}
	f.Check(*after == before, field, "cannot be changed (it is %q)", before)
}

// immutableErr turns recorded changes of immutable fields into a 422
// immutable_field answer.
func immutableErr(f apperr.Fields) error {
	err := f.Err()
	if e, ok := apperr.As(err); ok {
		names := make([]string, len(e.Fields))
		for i, fe := range e.Fields {
			names[i] = fe.Field
		}
		e.Code, e.Detail = "immutable_field", "cannot be changed: "+strings.Join(names, ", ")
	}
	return err
}

// canonicalKeys returns m with its language-code keys spelled canonically;
// a key that is no available language, or whose canonical spelling is
// already used, stays as it is (and validation names it).
func canonicalKeys[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range sortedKeys(m) { // in order, so that which spelling wins never varies
		l, ok := locales.Lookup(k)
		if !ok || l.Code == k {
			continue
		}
		if _, taken := out[l.Code]; !taken {
			delete(out, k)
			out[l.Code] = m[k]
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func itoa(i int) string { return strconv.Itoa(i) }

// Strings is a JSON object of strings (a status's properties, a level's
// field captions) that refuses null values: null is not a string, and
// storing it as "" would silently change what the admin sent.
type Strings map[string]string

// UnmarshalJSON decodes an object of strings, naming a bad value's key.
func (s *Strings) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		*s = nil
		return nil
	}
	out := make(Strings, len(raw))
	for _, k := range sortedKeys(raw) {
		var v *string
		if err := json.Unmarshal(raw[k], &v); err != nil || v == nil {
			return &json.UnmarshalTypeError{Value: jsonValueKind(raw[k]), Type: reflect.TypeFor[string](), Field: k}
		}
		out[k] = *v
	}
	*s = out
	return nil
}

// jsonValueKind names the kind of a JSON value, for messages.
func jsonValueKind(v json.RawMessage) string {
	switch v[0] {
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	default:
		return "number"
	}
}
