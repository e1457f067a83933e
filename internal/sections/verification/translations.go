package verification

import (
	"context"
	"maps"
	"net/http"

	"clientarea/internal/admindoc/itemstore"
	"clientarea/internal/i18n/locales"
	"clientarea/internal/i18n/translator"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
)

// levelTexts serves the actions that fill one language of a level's texts
// from another: clone (copy) and translate (machine translation).
type levelTexts struct {
	levels     *itemstore.Store[Level]
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
	return t.fill(w, r, func(_ context.Context, req textRequest, level *Level) error {
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
// captions into to, replacing what to had.
func (t levelTexts) translate(w http.ResponseWriter, r *http.Request) error {
	if t.translator == nil {
		return translator.Unavailable()
	}
	return t.fill(w, r, func(ctx context.Context, req textRequest, level *Level) error {
		src := level.Translations[req.From]
		out := LevelText{Fields: map[string]string{}}
		tr := func(text string) (string, error) {
			if text == "" {
				return "", nil
			}
			return t.translator.Translate(ctx, text, req.From, req.To)
		}
		var err error
		if out.Title, err = tr(src.Title); err != nil {
			return err
		}
		if out.Description, err = tr(src.Description); err != nil {
			return err
		}
		for _, name := range sortedKeys(src.Fields) {
			if out.Fields[name], err = tr(src.Fields[name]); err != nil {
				return err
			}
		}
		level.Translations[req.To] = out
		return nil
	})
}

// fill decodes and checks the request, then applies change to the level
// under optimistic concurrency: If-Match, when sent, must be the level's
// version; without it a concurrent write makes the change apply again to
// the newer level. Other languages are left as they are.
func (t levelTexts) fill(w http.ResponseWriter, r *http.Request, change func(context.Context, textRequest, *Level) error) error {
	var req textRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	req.From, req.To = canonicalCode(req.From), canonicalCode(req.To)
	var f apperr.Fields
	checkLanguage(&f, "from", req.From)
	checkLanguage(&f, "to", req.To)
	f.Check(req.From != req.To || req.From == "", "to", "must differ from from")
	if err := f.Err(); err != nil {
		return err
	}
	var expected *int64
	if r.Header.Get("If-Match") != "" {
		v, err := httpapi.ExpectedVersion(r, nil)
		if err != nil {
			return err
		}
		expected = &v
	}
	ctx := r.Context()
	rec, err := t.levels.Modify(ctx, r.PathValue("label"), expected, principal.From(ctx).Subject, func(level Level) (Level, error) {
		level.Normalize()
		if _, ok := level.Translations[req.From]; !ok {
			return level, apperr.InvalidField("translation_missing", "from",
				"level "+level.Label+" has no "+req.From+" translation to start from")
		}
		if err := change(ctx, req, &level); err != nil {
			return level, err
		}
		return level, level.Validate()
	})
	if err != nil {
		return err
	}
	return httpapi.WriteDocument(w, http.StatusOK, rec.Doc, rec.Meta, nil)
}

// canonicalCode spells an available language code canonically, and leaves
// anything else for validation to name.
func canonicalCode(code string) string {
	if l, ok := locales.Lookup(code); ok {
		return l.Code
	}
	return code
}
