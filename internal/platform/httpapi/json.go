package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"clientarea/internal/platform/apperr"
)

// MaxBodyBytes is the largest request body any route accepts.
const MaxBodyBytes = 64 << 10

// WriteJSON answers v as JSON with the given status. It always sets the
// Content-Type and calls WriteHeader: the Lambda proxy adapter would
// otherwise sniff a type, and a handler that writes nothing becomes a 5xx.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, "application/json", v)
}

// WriteNoContent answers 204.
func WriteNoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

func writeBody(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only a programming error can get here: answer a bare 500
		body, status = []byte(`{"type":"urn:clientarea:problem:internal","title":"Internal Server Error","status":500,"code":"internal"}`), http.StatusInternalServerError
		contentType = "application/problem+json"
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// ReadBody reads the request body, at most MaxBodyBytes of it, and checks
// that it is declared as JSON (see checkJSONType).
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, apperr.Newf(apperr.BadRequest, "bad_request", "the request body exceeds %d KiB", MaxBodyBytes>>10)
		}
		return nil, apperr.New(apperr.BadRequest, "bad_request", "the request body could not be read")
	}
	if err := checkJSONType(r.Header.Get("Content-Type"), body); err != nil {
		return nil, err
	}
	return body, nil
}

// checkJSONType answers 415 unless the body is declared as JSON:
// application/json or application/<something>+json, with any parameters. A
// body declared as anything else (a form, text) is not decoded on a guess.
// No Content-Type is accepted only without a body, which the decoder then
// reports as empty.
func checkJSONType(contentType string, body []byte) error {
	if contentType == "" && len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err == nil && (mediaType == "application/json" ||
		strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json")) {
		return nil
	}
	return apperr.New(apperr.UnsupportedMediaType, "unsupported_media_type",
		"the request body must be JSON, sent with Content-Type: application/json")
}

// DecodeJSON reads the request body into v: at most MaxBodyBytes, unknown
// fields and trailing data rejected, every failure a 400 that says what is wrong.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	return Unmarshal(body, v)
}

// Unmarshal strictly decodes one JSON value from body into v.
func Unmarshal(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return apperr.New(apperr.BadRequest, "bad_request", "the request body is empty; a JSON object is required")
	}
	if bytes.Equal(trimmed, []byte("null")) { // json would take it for "no change" and decode nothing
		return apperr.New(apperr.BadRequest, "bad_request", "the body must be a JSON object, not null")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.New(apperr.BadRequest, "bad_request", describeDecodeError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.New(apperr.BadRequest, "bad_request", "the request body has data after the JSON value")
	}
	if name := misspelledField(body, reflect.TypeOf(v)); name != "" {
		return apperr.New(apperr.BadRequest, "bad_request", "unknown field "+strconv.Quote(name))
	}
	return nil
}

func describeDecodeError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("the body must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return fmt.Sprintf("field %s must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the JSON body ends early"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	default:
		return "the body is not valid JSON for this route"
	}
}

// jsonKind names a Go kind the way a JSON client thinks of it, with its
// article: "must be " + jsonKind(k) reads as a sentence.
func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	default:
		return "a different type"
	}
}
