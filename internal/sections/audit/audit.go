// Package audit serves the trail of admin changes: a section's entries,
// newest first, page by page, and the restore of a configuration section
// to a document one of its entries recorded, to undo a bad change. The
// function that mounts it reads every audit section and may write every
// configuration section (a restore is that section's write, audited like
// any other).
package audit

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// Mount serves the audit routes on rt, for admins only.
func Mount(rt *httpapi.Router, env admindoc.Env) {
	restorable := restorers(env)
	h := handler{env: env, restorable: restorable, known: known(restorable)}
	rt.Handle("GET /admin/audit", h.list, env.Guard)
	rt.Handle("POST /admin/audit/{id}/restore", h.restore, env.Guard)
}

type handler struct {
	env        admindoc.Env
	restorable map[string]restorer
	known      []string // every audit section, sorted
}

// list answers ?section=<name>[&limit=N][&cursor=C]:
// {"items":[entry...],"next_cursor":"..." or null}.
func (h handler) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	section := q.Get("section")
	var f apperr.Fields
	switch {
	case section == "":
		f.Add("section", "is required: one of %s", strings.Join(h.known, ", "))
	case !slices.Contains(h.known, section):
		f.Add("section", "must be one of %s", strings.Join(h.known, ", "))
	}
	limit, err := httpapi.PageLimit(q)
	if err := f.Include(err); err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	page, err := admindoc.ListAuditPage(r.Context(), h.env.Table, section, limit, q.Get("cursor"))
	if err != nil {
		return err
	}
	var next *string
	if page.Next != "" {
		next = &page.Next
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"items": page.Items, "next_cursor": next})
	return nil
}

// restoreRequest is the optional body of a restore.
type restoreRequest struct {
	State   string `json:"state"` // "after" (the default) or "before"
	Version *int64 `json:"version"`
}

// The states of a section an entry recorded.
const (
	stateAfter  = "after"  // as the change left it
	stateBefore = "before" // as the change found it: restoring it undoes the change
)

// restore puts a section back to the document entry {id} recorded: its
// "after" unless the body asks for "before". Like a PUT of that document,
// it needs the section's current version and answers the section as its
// GET does.
func (h handler) restore(w http.ResponseWriter, r *http.Request) error {
	req, err := readRestoreRequest(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	entry, err := admindoc.GetAuditEntry(ctx, h.env.Table, r.PathValue("id"))
	if err != nil {
		return err
	}
	rs, ok := h.restorable[entry.Section]
	if !ok || entry.Subject != "" {
		return admindoc.NotRestorable("this entry records a change in " + entry.Section +
			", not a configuration section's document; only these sections can be restored: " + strings.Join(h.restorableNames(), ", "))
	}
	snapshot := entry.After
	if req.State == stateBefore {
		snapshot = entry.Before
	}
	if snapshot == nil {
		return admindoc.NotRestorable("this entry recorded no " + entry.Section + " document " + req.State + " its change")
	}
	expected, err := httpapi.ExpectedVersion(r, req.Version)
	if err != nil {
		return err
	}
	return rs.restore(ctx, w, snapshot, expected, principal.From(ctx).Subject)
}

// readRestoreRequest reads the optional body; none is {"state":"after"}.
func readRestoreRequest(w http.ResponseWriter, r *http.Request) (restoreRequest, error) {
	req := restoreRequest{State: stateAfter}
	body, err := httpapi.ReadBody(w, r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return req, err
	}
	if err := httpapi.Unmarshal(body, &req); err != nil {
		return req, err
	}
	switch req.State {
	case stateAfter, stateBefore:
	case "":
		req.State = stateAfter
	default:
		return req, apperr.InvalidField("validation_failed", "state",
			`must be "after" (the section as the change left it) or "before" (as it was before the change)`)
	}
	return req, nil
}

// restorableNames lists the sections a restore accepts, sorted.
func (h handler) restorableNames() []string {
	var names []string
	for name := range h.restorable {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
