package httpapi

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// encoding/json matches object keys to struct fields regardless of case, so
// {"REQUIRED": [...]} would fill the field "required". The contract names
// fields exactly, and an unknown field is a 400; misspelledField finds the
// keys that only matched by ignoring case.

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// misspelledField returns a key of body (a valid JSON value, already
// decoded into a value of type t) that matches a struct field of t only
// case-insensitively, or "". Of several, it names the same one every time:
// each object's keys are looked at in sorted order.
func misspelledField(body []byte, t reflect.Type) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return ""
	}
	return misspelled(v, t)
}

func misspelled(v any, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		if reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
			return "" // decodes itself
		}
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return ""
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		fields := jsonFields(t)
		for _, key := range slices.Sorted(maps.Keys(obj)) {
			val := obj[key]
			f, exact := fields[key]
			if !exact {
				return key // DisallowUnknownFields let it through: a case variant
			}
			if name := misspelled(val, f); name != "" {
				return key + "." + name
			}
		}
	case reflect.Map:
		if obj, ok := v.(map[string]any); ok {
			for _, key := range slices.Sorted(maps.Keys(obj)) {
				if name := misspelled(obj[key], t.Elem()); name != "" {
					return key + "." + name
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if list, ok := v.([]any); ok {
			for _, val := range list {
				if name := misspelled(val, t.Elem()); name != "" {
					return name
				}
			}
		}
	}
	return ""
}

// jsonFields maps the JSON names of t's fields (as encoding/json names
// them, without embedded structs, which the service does not decode) to
// their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}
