// Package verification is the verification part of the configuration:
// the account-configuration section (/admin/config/verification), the
// verification levels and the statuses, and the clone / machine-translate
// actions on a level's texts.
//
// Levels and statuses may be named by the verification section and, once
// clients exist, held by clients. A delete refuses both in its own
// transaction: the section through a condition check on the section item,
// clients through the holders count that admindoc.Store.Hold maintains
// (the clients' writes add Levels(...).Hold(label, ±1) to their
// transactions).
package verification

import (
	"clientarea/internal/admindoc"
	"clientarea/internal/i18n/translator"
	"clientarea/internal/platform/httpapi"
)

// Paths of the collections.
const (
	LevelsPath   = "/admin/verification-levels"
	StatusesPath = "/admin/statuses"
)

// Mount serves the verification routes on rt. tr may be nil: machine
// translation then answers 503 translation_unavailable.
func Mount(rt *httpapi.Router, env admindoc.Env, tr translator.Translator) {
	levels, statuses := Levels(env), Statuses(env)
	levels.Serve(rt)
	statuses.Serve(rt)
	admindoc.Mount(rt, env, AccountSection(levels, statuses))
	texts := levelTexts{levels: levels, translator: tr}
	rt.Handle("POST "+LevelsPath+"/{label}/clone", texts.clone, env.Guard)
	rt.Handle("POST "+LevelsPath+"/{label}/translate", texts.translate, env.Guard)
}
