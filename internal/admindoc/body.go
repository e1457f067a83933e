package admindoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

// Admin documents are answered with read-only metadata (version,
// updated_at, updated_by) next to their own fields, and a client may send
// such an answer back as it is.

// metaReadOnly are the metadata fields other than version, which a client
// may send back unchanged and which are then ignored.
func metaReadOnly() []string { return []string{attrUpdatedAt, attrUpdatedBy} }

// DecodeDocument reads the request body as the document v plus its optional
// "version". The body is read as an object first, so that the read-only
// metadata and the fields named in readOnly can be dropped, then decoded
// strictly into v: any other unknown field is still a 400.
func DecodeDocument(w http.ResponseWriter, r *http.Request, v any, readOnly ...string) (*int64, error) {
	body, err := httpapi.ReadBody(w, r)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := httpapi.Unmarshal(body, &fields); err != nil {
		return nil, err
	}
	if fields == nil { // the body was null
		return nil, apperr.New(apperr.BadRequest, "bad_request", "the body must be a JSON object")
	}
	var version *int64
	if raw, ok := fields[attrVersion]; ok && !bytes.Equal(raw, []byte("null")) {
		version = new(int64)
		if err := json.Unmarshal(raw, version); err != nil {
			return nil, apperr.New(apperr.BadRequest, "bad_request", "field version must be an integer")
		}
	}
	delete(fields, attrVersion)
	for _, k := range append(metaReadOnly(), readOnly...) {
		delete(fields, k)
	}
	rest, err := json.Marshal(fields)
	if err != nil {
		return nil, apperr.Internalf("re-encode document", err)
	}
	return version, httpapi.Unmarshal(rest, v)
}

// mergeFields encodes doc, which must encode as a JSON object, with the
// fields of extra added to the same object.
func mergeFields(doc any, extra map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("a %T document encodes as %.20s, not as a JSON object", doc, body)
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

// metaFields are a document's metadata as answer fields: version, and
// updated_at and updated_by once saved.
func metaFields(m Meta) map[string]any {
	meta := map[string]any{attrVersion: m.Version}
	if m.Version > 0 {
		meta[attrUpdatedAt] = m.UpdatedAt.UTC().Format(time.RFC3339)
		meta[attrUpdatedBy] = m.UpdatedBy
	}
	return meta
}

// WriteRecord answers rec's document with status, its metadata (and any
// extra read-only fields) added to the same object, and its version as the
// ETag.
func WriteRecord[T any](w http.ResponseWriter, status int, rec Record[T], extra map[string]any) error {
	meta := metaFields(rec.Meta)
	for k, val := range extra {
		meta[k] = val
	}
	out, err := mergeFields(rec.Doc, meta)
	if err != nil {
		return apperr.Internalf("encode document", err)
	}
	httpapi.SetETag(w, rec.Version)
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, status, out)
	return nil
}
