package verification

import (
	"context"
	"maps"
	"net/http"
	"reflect"
	"slices"

	"clientarea/internal/admindoc"
	"clientarea/internal/i18n/translator"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/verification/levels"
)

// levelTexts serves the actions that fill one language of a level's texts
// from another: clone (copy) and translate (machine translation).
type levelTexts struct {
	levels     *admindoc.Store[levels.Level]
	translator translator.Translator // nil: not configured
}

// textRequest is the body of clone and translate.
type textRequest struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Overwrite bool   `json:"overwrite"` // clone only: replace an existing translation
}

// clone copies the from translation into to; an existing to translation is
// 409 translation_exists unless overwrite is set.
func (t levelTexts) clone(w http.ResponseWriter, r *http.Request) error {
	req, expected, err := readTextRequest(w, r)
	if err != nil {
		return err
	}
	return t.fill(w, r, req, expected, nil, func(level *levels.Level) error {
		if _, exists := level.Translations[req.To]; exists && !req.Overwrite {
			return apperr.Newf(apperr.Conflict, "translation_exists",
				"level %s already has a %s translation; send \"overwrite\": true to replace it", level.Label, req.To)
		}
		src := level.Translations[req.From]
		src.Fields = maps.Clone(src.Fields)
		level.Translations[req.To] = src
		return nil
	})
}

// translate machine-translates the from title, description and field
// captions into to, replacing what to had. Amazon Translate is paid per
// character, so the texts are translated once, before the concurrency
// retry; if the from texts change meanwhile, the answer is 412 rather than
// a second bill.
func (t levelTexts) translate(w http.ResponseWriter, r *http.Request) error {
	req, expected, err := readTextRequest(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	level, err := t.levels.Get(ctx, r.PathValue("label"))
	if err != nil {
		return err // an unknown level is 404 whether or not translation is configured
	}
	if t.translator == nil {
		return translator.Unavailable()
	}
	if expected != nil && *expected != level.Version { // before paying for a translation
		return admindoc.Conflict(what(level.Doc))
	}
	level.Doc.Normalize()
	src, err := source(level.Doc, req.From)
	if err != nil {
		return err
	}
	out, err := t.translateText(ctx, src, req.From, req.To)
	if err != nil {
		return err
	}
	return t.fill(w, r, req, expected, &level, func(level *levels.Level) error {
		if !reflect.DeepEqual(level.Translations[req.From], src) {
			return admindoc.Conflict(what(*level))
		}
		level.Translations[req.To] = out
		return nil
	})
}

// translateText translates every text of src, leaving blank ones blank.
func (t levelTexts) translateText(ctx context.Context, src levels.LevelText, from, to string) (levels.LevelText, error) {
	out := levels.LevelText{Fields: map[string]string{}}
	tr := func(text string) (string, error) {
		if text == "" {
			return "", nil
		}
		return t.translator.Translate(ctx, text, from, to)
	}
	var err error
	if out.Title, err = tr(src.Title); err != nil {
		return out, err
	}
	if out.Description, err = tr(src.Description); err != nil {
		return out, err
	}
	for _, name := range slices.Sorted(maps.Keys(src.Fields)) {
		if out.Fields[name], err = tr(src.Fields[name]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// readTextRequest decodes and checks the body of clone and translate, and
// reads If-Match, which is optional here.
func readTextRequest(w http.ResponseWriter, r *http.Request) (textRequest, *int64, error) {
	var req textRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return req, nil, err
	}
	req.From, req.To = levels.CanonicalCode(req.From), levels.CanonicalCode(req.To)
	var f apperr.Fields
	levels.CheckLanguage(&f, "from", req.From)
	levels.CheckLanguage(&f, "to", req.To)
	f.Check(req.From != req.To || req.From == "", "to", "must differ from from")
	if err := f.Err(); err != nil {
		return req, nil, err
	}
	if r.Header.Get("If-Match") == "" {
		return req, nil, nil
	}
	v, err := httpapi.ExpectedVersion(r, nil)
	return req, &v, err
}

// fill applies change to the level under optimistic concurrency: If-Match,
// when sent, must be the level's version; without it a concurrent write
// makes the change apply again to the newer level. Other languages are left
// as they are. read is the level when the caller has already read it.
func (t levelTexts) fill(w http.ResponseWriter, r *http.Request, req textRequest, expected *int64,
	read *admindoc.Record[levels.Level], change func(*levels.Level) error) error {
	ctx := r.Context()
	apply := func(level levels.Level) (levels.Level, error) {
		level.Normalize()
		if _, err := source(level, req.From); err != nil {
			return level, err
		}
		if err := change(&level); err != nil {
			return level, err
		}
		return level, level.Validate()
	}
	actor := principal.From(ctx).Subject
	var rec admindoc.Record[levels.Level]
	var err error
	if read != nil {
		rec, err = t.levels.ModifyFrom(ctx, *read, expected, actor, apply)
	} else {
		rec, err = t.levels.Modify(ctx, r.PathValue("label"), expected, actor, apply)
	}
	if err != nil {
		return err
	}
	return admindoc.WriteRecord(w, http.StatusOK, rec, nil)
}

// source returns the level's texts in from, which fill starts from.
func source(l levels.Level, from string) (levels.LevelText, error) {
	src, ok := l.Translations[from]
	if !ok {
		return src, apperr.InvalidField("translation_missing", "from",
			"level "+l.Label+" has no "+from+" translation to start from")
	}
	return src, nil
}

// what names a level in messages.
func what(l levels.Level) string { return "verification level " + l.Label }
