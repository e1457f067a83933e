package me

import (
	"context"
	"net/http"
	"slices"
	"sort"

	"clientarea/internal/client/accounts"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/verification/levels"
)

// Verification is what GET /me/verification answers: where the client
// stands (its level and status, in its language), the documents it is
// asked for, and what it still lacks to open an account.
type Verification struct {
	Level             *LevelView    `json:"level"` // null: no level yet
	Status            StatusView    `json:"status"`
	RequiredDocuments []string      `json:"required_documents"`
	AccountOpening    AccountAccess `json:"account_opening"`
}

// LevelView is a level's texts in one language.
type LevelView struct {
	Label       string            `json:"label"`
	Language    string            `json:"language"` // the language of the texts below
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Fields      map[string]string `json:"fields"`
}

// StatusView is a status's text in one language.
type StatusView struct {
	Label      string            `json:"label"`
	Language   string            `json:"language"`
	Text       string            `json:"text"`
	Properties map[string]string `json:"properties"`
}

// AccountAccess says whether the client may open an account now and, if
// not, what is missing (confirmation, a level, a status, room under the
// account limit).
type AccountAccess struct {
	Allowed bool                   `json:"allowed"`
	Missing []accounts.Requirement `json:"missing"`
}

// verification answers the caller's verification state: one Query of the
// configuration and one BatchGetItem of its level and status.
func (s *service) verification(w http.ResponseWriter, r *http.Request) error {
	c, cfg, err := s.start(w, r, nil)
	if err != nil {
		return err
	}
	lvl, st, err := s.levelAndStatus(r.Context(), c)
	if err != nil {
		return err
	}
	langs := preferred(c, cfg)
	v := Verification{Status: statusView(st, langs), RequiredDocuments: requiredDocuments(cfg, lvl)}
	if lvl != nil {
		view := levelView(*lvl, langs)
		v.Level = &view
	}
	missing := accounts.Missing(cfg, c)
	if missing == nil {
		missing = []accounts.Requirement{}
	}
	v.AccountOpening = AccountAccess{Allowed: len(missing) == 0, Missing: missing}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, v)
	return nil
}

// levelAndStatus reads c's level (nil when it has none) and status.
func (s *service) levelAndStatus(ctx context.Context, c clients.Client) (*levels.Level, levels.Status, error) {
	status := c.VerificationStatus()
	keys := []dynamo.Key{dynamo.StatusKey(status)}
	if c.Level != "" {
		keys = append(keys, dynamo.LevelKey(c.Level))
	}
	items, err := dynamo.BatchGet(ctx, s.Table, keys, dynamo.Projection{})
	if err != nil {
		return nil, levels.Status{}, err
	}
	st, err := s.statuses.DecodeItem(items[keys[0]], status)
	if err != nil {
		return nil, levels.Status{}, err
	}
	if c.Level == "" {
		return nil, st.Doc, nil
	}
	lvl, err := s.levels.DecodeItem(items[keys[1]], c.Level)
	if err != nil {
		return nil, levels.Status{}, err
	}
	return &lvl.Doc, st.Doc, nil
}

// preferred is the order in which languages are tried for a text: the
// client's, then the default language.
func preferred(c clients.Client, cfg settings.Settings) []string {
	return []string{c.Language, cfg.Languages.Default}
}

// pick returns the language of texts to show: the first of langs it has,
// else the alphabetically first it has (some text beats none); "" when
// texts is empty.
func pick[V any](texts map[string]V, langs []string) string {
	for _, l := range langs {
		if _, ok := texts[l]; ok {
			return l
		}
	}
	codes := make([]string, 0, len(texts))
	for code := range texts {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		return ""
	}
	return codes[0]
}

func levelView(l levels.Level, langs []string) LevelView {
	lang := pick(l.Translations, langs)
	t := l.Translations[lang]
	fields := map[string]string{}
	for k, v := range t.Fields {
		fields[k] = v
	}
	return LevelView{Label: l.Label, Language: lang, Title: t.Title, Description: t.Description, Fields: fields}
}

func statusView(st levels.Status, langs []string) StatusView {
	lang := pick(st.Text, langs)
	text := st.Text[lang]
	if text == "" {
		text = st.Label
	}
	return StatusView{Label: st.Label, Language: lang, Text: text, Properties: st.Properties}
}

// requiredDocuments is the documents section's list plus the level's
// own, each once, in that order.
func requiredDocuments(cfg settings.Settings, lvl *levels.Level) []string {
	docs := slices.Clone(cfg.Documents.Required)
	if lvl != nil {
		for _, d := range lvl.RequiredDocuments {
			if !slices.Contains(docs, d) {
				docs = append(docs, d)
			}
		}
	}
	if docs == nil {
		docs = []string{}
	}
	return docs
}
