package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"clientarea/internal/admindoc/versioned"
	"clientarea/internal/platform/apperr"
)

// Admin documents (configuration sections, verification levels, statuses)
// are answered with read-only metadata (version, updated_at...) next to
// their own fields, and a client may send such an answer back as it is.

// DecodeDocument reads the request body as the document v plus its optional
// "version". The body is read as an object first, so that the read-only
// fields named in readOnly (and "version") can be dropped, then decoded
// strictly into v: any other unknown field is still a 400.
func DecodeDocument(w http.ResponseWriter, r *http.Request, v any, readOnly ...string) (*int64, error) {
	body, err := ReadBody(w, r)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := Unmarshal(body, &fields); err != nil {
		return nil, err
	}
	if fields == nil { // the body was null
		return nil, apperr.New(apperr.BadRequest, "bad_request", "the body must be a JSON object")
	}
	var version *int64
	if raw, ok := fields["version"]; ok && !bytes.Equal(raw, []byte("null")) {
		version = new(int64)
		if err := json.Unmarshal(raw, version); err != nil {
			return nil, apperr.New(apperr.BadRequest, "bad_request", "field version must be an integer")
		}
	}
	delete(fields, "version")
	for _, k := range readOnly {
		delete(fields, k)
	}
	rest, _ := json.Marshal(fields)
	return version, Unmarshal(rest, v)
}

// MergeFields encodes doc, which must encode as a JSON object, with the
// fields of extra added to the same object.
func MergeFields(doc any, extra map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(doc)
	if err != nil || len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("document is not an object: %v", err)
	}
	if len(extra) == 0 {
		return body, nil
	}
	extraJSON, err := json.Marshal(extra)
	if err != nil {
		return nil, fmt.Errorf("encode extra fields: %w", err)
	}
	out := body[:len(body)-1]
	if len(body) > 2 {
		out = append(out, ',')
	}
	return append(out, extraJSON[1:]...), nil
}

// MetaFields are a document's metadata as answer fields: version, and
// updated_at and updated_by once saved.
func MetaFields(m versioned.Meta) map[string]any {
	meta := map[string]any{"version": m.Version}
	if m.Version > 0 {
		meta["updated_at"] = m.UpdatedAt.UTC().Format(time.RFC3339)
		meta["updated_by"] = m.UpdatedBy
	}
	return meta
}

// ReadOnlyFields are the metadata fields other than version, which a client
// may send back unchanged and which are then ignored.
var ReadOnlyFields = []string{"updated_at", "updated_by"}

// WriteDocument answers doc with status, its metadata (and any extra
// read-only fields) added to the same object, and its version as the ETag.
func WriteDocument(w http.ResponseWriter, status int, doc any, v versioned.Meta, extra map[string]any) error {
	meta := MetaFields(v)
	for k, val := range extra {
		meta[k] = val
	}
	out, err := MergeFields(doc, meta)
	if err != nil {
		return apperr.Internalf("encode document", err)
	}
	SetETag(w, v.Version)
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, status, out)
	return nil
}
