package languages

import (
	"context"
	"fmt"
	"strings"

	"clientarea/internal/admindoc"
	"clientarea/internal/sections/verification/levels"
)

// Warning names one item lacking texts in one enabled language.
type Warning struct {
	Language string   `json:"language"`
	Kind     string   `json:"kind"` // "level" or "status"
	Label    string   `json:"label"`
	Missing  []string `json:"missing"` // "title", "description", "fields.<name>", "text"
	Message  string   `json:"message"`
}

// VerificationGaps returns the Gaps of verification levels and statuses
// (from near, which GapsRange gives them, or read here):
// a level lacks a language when it has no title there, no description while
// another language has one, or a field caption; a status when it has no text.
func VerificationGaps(env admindoc.Env) Gaps {
	levelStore, statusStore := levels.Levels(env), levels.Statuses(env)
	return func(ctx context.Context, near admindoc.Nearby, langs []string) ([]Warning, error) {
		lv, err := levelStore.ListNear(ctx, near)
		if err != nil {
			return nil, err
		}
		st, err := statusStore.ListNear(ctx, near)
		if err != nil {
			return nil, err
		}
		var out []Warning
		for _, lang := range langs {
			for _, rec := range lv {
				if missing := levelGaps(rec.Doc, lang); len(missing) > 0 {
					out = append(out, warning(lang, "level", rec.Doc.Label, missing))
				}
			}
			for _, rec := range st {
				if strings.TrimSpace(rec.Doc.Text[lang]) == "" {
					out = append(out, warning(lang, "status", rec.Doc.Label, []string{"text"}))
				}
			}
		}
		return out, nil
	}
}

func levelGaps(l levels.Level, lang string) []string {
	t := l.Translations[lang]
	var missing []string
	if strings.TrimSpace(t.Title) == "" {
		missing = append(missing, "title")
	}
	if strings.TrimSpace(t.Description) == "" {
		for _, other := range l.Translations {
			if strings.TrimSpace(other.Description) != "" {
				missing = append(missing, "description")
				break
			}
		}
	}
	for _, p := range l.Properties {
		if strings.TrimSpace(t.Fields[p]) == "" {
			missing = append(missing, "fields."+p)
		}
	}
	return missing
}

func warning(lang, kind, label string, missing []string) Warning {
	return Warning{Language: lang, Kind: kind, Label: label, Missing: missing,
		Message: fmt.Sprintf("%s %s lacks %s texts: %s", kind, label, lang, strings.Join(missing, ", "))}
}
