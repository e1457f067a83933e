// Package sectionapi serves any configuration section document over HTTP:
// GET returns it (defaults until first saved) with its version and ETag, PUT
// replaces it whole under optimistic concurrency. Sections differ only in
// their Definition; the mechanism is this one piece of code.
package sectionapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/sectionstore"
	"clientarea/internal/admindoc/versioned"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// Definition is what makes one section different from another.
type Definition[T any] struct {
	Name      string   // path segment under /admin/config/ and audit section
	Normalize func(*T) // fills left-out and null fields with their defaults
	// Defaults builds the document before the first save. When nil, it is
	// the zero document after Normalize: "everything left blank".
	Defaults func() T
	Validate func(T) error
	// Checks, when set, returns condition checks that must hold in the
	// write's transaction, and Checked maps a failed check (by index) to the
	// caller's error. Used when a section names other items.
	Checks  func(T) []types.TransactWriteItem
	Checked func(doc T, failed int) error
	// Annotate, when set, adds read-only fields (such as "warnings") to the
	// answers of GET and PUT; Annotations names them, so that clients may
	// send an answer back as it is: they are ignored.
	Annotate    func(ctx context.Context, doc T) (map[string]any, error)
	Annotations []string
}

// Default returns the section's document before its first save.
func (def Definition[T]) Default() T {
	if def.Defaults != nil {
		return def.Defaults()
	}
	var doc T
	def.Normalize(&doc)
	return doc
}

// Env is what a mounted section needs from its function.
type Env struct {
	Table dynamo.Table
	Clock clock.Clock
	Guard httpapi.Middleware // admin authorization
}

// Mount serves GET and PUT /admin/config/<name> on rt and returns the
// section's store, for code that reads the section directly.
func Mount[T any](rt *httpapi.Router, def Definition[T], env Env) *sectionstore.Store[T] {
	store := sectionstore.New(env.Table, env.Clock, def.Name, def.Default)
	h := handler[T]{def: def, store: store}
	path := "/admin/config/" + def.Name
	rt.Handle("GET "+path, h.get, env.Guard)
	rt.Handle("PUT "+path, h.put, env.Guard)
	return store
}

type handler[T any] struct {
	def   Definition[T]
	store *sectionstore.Store[T]
}

func (h handler[T]) get(w http.ResponseWriter, r *http.Request) error {
	rec, err := h.store.Load(r.Context())
	if err != nil {
		return err
	}
	h.def.Normalize(&rec.Doc)
	return h.answer(r.Context(), w, rec)
}

func (h handler[T]) put(w http.ResponseWriter, r *http.Request) error {
	doc, bodyVersion, err := h.decode(w, r)
	if err != nil {
		return err
	}
	expected, err := httpapi.ExpectedVersion(r, bodyVersion)
	if err != nil {
		return err
	}
	h.def.Normalize(&doc)
	if err := h.def.Validate(doc); err != nil {
		return err
	}
	ctx := r.Context()
	before, err := h.store.Load(ctx)
	if err != nil {
		return err
	}
	if before.Version != expected {
		return versioned.Conflict(h.def.Name)
	}
	change := sectionstore.Change[T]{Before: before, After: doc, Actor: principal.From(ctx).Subject}
	if h.def.Checks != nil {
		change.Checks = h.def.Checks(doc)
	}
	saved, err := h.store.Save(ctx, change)
	if cf, ok := sectionstore.IsCheckFailed(err); ok && h.def.Checked != nil {
		return h.def.Checked(doc, cf.Indexes[0])
	}
	if err != nil {
		return err
	}
	return h.answer(ctx, w, saved)
}

// answer writes rec with the section's annotations, if it has any.
func (h handler[T]) answer(ctx context.Context, w http.ResponseWriter, rec sectionstore.Record[T]) error {
	var extra map[string]any
	if h.def.Annotate != nil {
		var err error
		if extra, err = h.def.Annotate(ctx, rec.Doc); err != nil {
			return err
		}
	}
	return h.write(w, rec, extra)
}

// decode reads the body as the section document plus its optional version;
// the metadata a GET returned may be sent back unchanged.
func (h handler[T]) decode(w http.ResponseWriter, r *http.Request) (T, *int64, error) {
	var doc T
	readOnly := append(slices.Clip(httpapi.ReadOnlyFields), h.def.Annotations...)
	version, err := httpapi.DecodeDocument(w, r, &doc, readOnly...)
	return doc, version, err
}

// write answers the document with its metadata added to the same object.
func (h handler[T]) write(w http.ResponseWriter, rec sectionstore.Record[T], extra map[string]any) error {
	return httpapi.WriteDocument(w, http.StatusOK, rec.Doc, rec.Meta, extra)
}
