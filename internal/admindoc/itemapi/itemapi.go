// Package itemapi serves a collection of labelled configuration items
// (verification levels, statuses) over HTTP: list, create, get, update and
// delete, each item with its own version (ETag / If-Match). Collections
// differ only in their Definition; the mechanism is this one piece of code.
package itemapi

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/itemstore"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// Definition is what makes one collection different from another.
type Definition[T any] struct {
	Path      string // the collection's path: "/admin/verification-levels"
	Store     *itemstore.Store[T]
	Normalize func(*T) // fills left-out fields with their defaults
	Validate  func(T) error
	// Keep carries the fields an update may not change from before into
	// after (when after leaves them out) and rejects a change of them.
	Keep func(before T, after *T) error
	// Undeletable, when set, refuses deleting an item outright (the
	// default status) with the error it returns.
	Undeletable func(T) error
	// DeleteChecks returns condition checks that must hold in a delete's
	// transaction (nothing names the item), and DeleteChecked maps a failed
	// one (by index) to the caller's error.
	DeleteChecks  func(label string) []types.TransactWriteItem
	DeleteChecked func(label string, failed int) error
}

// Mount serves the collection's routes on rt behind guard.
func Mount[T any](rt *httpapi.Router, def Definition[T], guard httpapi.Middleware) {
	h := handler[T]{def: def}
	one := def.Path + "/{label}"
	rt.Handle("GET "+def.Path, h.list, guard)
	rt.Handle("POST "+def.Path, h.create, guard)
	rt.Handle("GET "+one, h.get, guard)
	rt.Handle("PUT "+one, h.update, guard)
	rt.Handle("DELETE "+one, h.delete, guard)
}

type handler[T any] struct{ def Definition[T] }

func (h handler[T]) list(w http.ResponseWriter, r *http.Request) error {
	recs, err := h.def.Store.List(r.Context())
	if err != nil {
		return err
	}
	items := make([]any, 0, len(recs))
	for _, rec := range recs {
		h.def.Normalize(&rec.Doc)
		item, err := httpapi.MergeFields(rec.Doc, httpapi.MetaFields(rec.Meta))
		if err != nil {
			return apperr.Internalf("encode "+h.def.Store.Spec().Noun, err)
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
	if _, err := httpapi.DecodeDocument(w, r, &doc, httpapi.ReadOnlyFields...); err != nil {
		return err
	}
	h.def.Normalize(&doc)
	if err := h.def.Validate(doc); err != nil {
		return err
	}
	rec, err := h.def.Store.Create(r.Context(), doc, principal.From(r.Context()).Subject)
	if err != nil {
		return err
	}
	label := h.def.Store.Spec().Label(rec.Doc)
	w.Header().Set("Location", h.def.Path+"/"+url.PathEscape(label))
	return httpapi.WriteDocument(w, http.StatusCreated, rec.Doc, rec.Meta, nil)
}

func (h handler[T]) get(w http.ResponseWriter, r *http.Request) error {
	rec, err := h.def.Store.Get(r.Context(), r.PathValue("label"))
	if err != nil {
		return err
	}
	h.def.Normalize(&rec.Doc)
	return httpapi.WriteDocument(w, http.StatusOK, rec.Doc, rec.Meta, nil)
}

// update replaces the whole item, keeping what may not change.
func (h handler[T]) update(w http.ResponseWriter, r *http.Request) error {
	var doc T
	bodyVersion, err := httpapi.DecodeDocument(w, r, &doc, httpapi.ReadOnlyFields...)
	if err != nil {
		return err
	}
	expected, err := httpapi.ExpectedVersion(r, bodyVersion)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rec, err := h.def.Store.Modify(ctx, r.PathValue("label"), &expected, principal.From(ctx).Subject, func(before T) (T, error) {
		if err := h.def.Keep(before, &doc); err != nil {
			return doc, err
		}
		h.def.Normalize(&doc)
		return doc, h.def.Validate(doc)
	})
	if err != nil {
		return err
	}
	return httpapi.WriteDocument(w, http.StatusOK, rec.Doc, rec.Meta, nil)
}

func (h handler[T]) delete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	before, err := h.def.Store.Get(ctx, r.PathValue("label"))
	if err != nil {
		return err
	}
	if h.def.Undeletable != nil {
		if err := h.def.Undeletable(before.Doc); err != nil {
			return err
		}
	}
	expected, err := httpapi.ExpectedVersion(r, nil)
	if err != nil {
		return err
	}
	label := h.def.Store.Spec().Label(before.Doc)
	if expected != before.Version {
		return h.def.Store.VersionConflict(label)
	}
	var checks []types.TransactWriteItem
	if h.def.DeleteChecks != nil {
		checks = h.def.DeleteChecks(label)
	}
	err = h.def.Store.Delete(ctx, before, principal.From(ctx).Subject, checks)
	var cf *itemstore.CheckFailed
	if errors.As(err, &cf) && h.def.DeleteChecked != nil {
		return h.def.DeleteChecked(label, cf.Index)
	}
	if err != nil {
		return err
	}
	httpapi.WriteNoContent(w)
	return nil
}
