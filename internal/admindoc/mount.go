package admindoc

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// Mount builds def's store and serves it on rt: what a function does with
// each kind of admin document it owns.
func Mount[T any](rt *httpapi.Router, env Env, def Definition[T]) *Store[T] {
	s := New(env, def)
	s.Serve(rt)
	return s
}

// Serve serves the store's documents on rt behind its Env's guard: GET and
// PUT of a section; list, create, get, replace and delete of a collection's
// items, each with its own version.
func (s *Store[T]) Serve(rt *httpapi.Router) {
	h := handler[T]{s: s}
	guard, path := s.env.Guard, s.def.Path
	if s.def.isSection() {
		rt.Handle("GET "+path, h.get, guard)
		rt.Handle("PUT "+path, h.put, guard)
		return
	}
	one := path + "/{label}"
	rt.Handle("GET "+path, h.list, guard)
	rt.Handle("POST "+path, h.create, guard)
	rt.Handle("GET "+one, h.get, guard)
	rt.Handle("PUT "+one, h.put, guard)
	rt.Handle("DELETE "+one, h.delete, guard)
}

type handler[T any] struct{ s *Store[T] }

// label is the document a request is about: a section's own, or the
// collection item named in the path.
func (h handler[T]) label(r *http.Request) string {
	if h.s.def.isSection() {
		return h.s.def.Section
	}
	return r.PathValue("label")
}

// get answers a document. A section's annotations are added only when the
// query parameter include names them (see included): then the section is
// read with its Around range, as a PUT reads it; otherwise with a GetItem.
func (h handler[T]) get(w http.ResponseWriter, r *http.Request) error {
	var names []string
	if h.s.def.isSection() {
		var err error
		if names, err = h.s.def.included(r.URL.Query()); err != nil {
			return err
		}
	}
	var (
		rec  Record[T]
		near Nearby
		err  error
	)
	if len(names) > 0 {
		rec, near, err = h.s.read(r.Context(), h.label(r))
	} else {
		rec, err = h.s.Get(r.Context(), h.label(r))
	}
	if err != nil {
		return err
	}
	h.s.def.Normalize(&rec.Doc)
	return h.answer(r.Context(), w, http.StatusOK, rec, near, names)
}

func (h handler[T]) list(w http.ResponseWriter, r *http.Request) error {
	recs, err := h.s.List(r.Context())
	if err != nil {
		return err
	}
	items := make([]any, 0, len(recs))
	for _, rec := range recs {
		h.s.def.Normalize(&rec.Doc)
		item, err := mergeFields(rec.Doc, metaFields(rec.Meta))
		if err != nil {
			return apperr.Internalf("encode "+h.s.def.Noun, err)
		}
		items = append(items, item)
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (h handler[T]) create(w http.ResponseWriter, r *http.Request) error {
	var doc T
	// A version sent with a new item is meaningless, and ignored.
	if _, err := h.decode(w, r, &doc); err != nil {
		return err
	}
	h.s.def.Normalize(&doc)
	if err := h.s.def.Validate(doc); err != nil {
		return err
	}
	rec, err := h.s.Create(r.Context(), doc, principal.From(r.Context()).Subject)
	if err != nil {
		return err
	}
	w.Header().Set("Location", h.s.def.Path+"/"+url.PathEscape(h.s.def.Label(rec.Doc)))
	return h.answer(r.Context(), w, http.StatusCreated, rec, Nearby{}, h.s.def.Annotations)
}

// put replaces the whole document, keeping what may not change. A document
// that needs nothing from the stored one (a section) is checked before it
// is read.
func (h handler[T]) put(w http.ResponseWriter, r *http.Request) error {
	var doc T
	bodyVersion, err := h.decode(w, r, &doc)
	if err != nil {
		return err
	}
	expected, err := httpapi.ExpectedVersion(r, bodyVersion)
	if err != nil {
		return err
	}
	def := h.s.def
	if def.Keep == nil {
		if err := h.check(&doc); err != nil {
			return err
		}
	}
	ctx := r.Context()
	// The stored document, with what the answer's annotations need (read
	// before the write, which changes only the document itself).
	stored, near, err := h.s.read(ctx, h.label(r))
	if err != nil {
		return err
	}
	rec, err := h.s.ModifyFrom(ctx, stored, &expected, principal.From(ctx).Subject, func(before T) (T, error) {
		if def.Keep == nil {
			return doc, nil
		}
		if err := def.Keep(before, &doc); err != nil {
			return doc, err
		}
		return doc, h.check(&doc)
	})
	if err != nil {
		return err
	}
	return h.answer(ctx, w, http.StatusOK, rec, near, def.Annotations)
}

func (h handler[T]) check(doc *T) error {
	h.s.def.Normalize(doc)
	return h.s.def.Validate(*doc)
}

func (h handler[T]) delete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	before, err := h.s.Get(ctx, h.label(r))
	if err != nil {
		return err
	}
	if h.s.def.Undeletable != nil {
		if err := h.s.def.Undeletable(before.Doc); err != nil {
			return err
		}
	}
	expected, err := httpapi.ExpectedVersion(r, nil)
	if err != nil {
		return err
	}
	if expected != before.Version {
		return Conflict(h.s.def.what(h.s.def.Label(before.Doc)))
	}
	if err := h.s.Delete(ctx, before, principal.From(ctx).Subject); err != nil {
		return err
	}
	httpapi.WriteNoContent(w)
	return nil
}

// decode reads the body as the document plus its optional version; the
// read-only fields an answer carries may be sent back unchanged.
func (h handler[T]) decode(w http.ResponseWriter, r *http.Request, doc *T) (*int64, error) {
	return DecodeDocument(w, r, doc, h.s.def.Annotations...)
}

// answer writes rec with those of the definition's annotations that names
// names (a PUT's answer: all of them; a GET's: those it asked for); near is
// what was read with rec (the zero Nearby when nothing was: then the Around
// range is read here, once).
func (h handler[T]) answer(ctx context.Context, w http.ResponseWriter, status int, rec Record[T], near Nearby, names []string) error {
	def := h.s.def
	var extra map[string]any
	if def.Annotate != nil && len(names) > 0 {
		var err error
		if def.Around.set() && near.items == nil {
			if near, err = h.s.readNear(ctx, def.Around); err != nil {
				return err
			}
		}
		if extra, err = def.Annotate(ctx, rec.Doc, near); err != nil {
			return err
		}
		maps.DeleteFunc(extra, func(name string, _ any) bool { return !slices.Contains(names, name) })
	}
	return WriteRecord(w, status, rec, extra)
}
