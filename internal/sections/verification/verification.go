// Package verification is the verification function: it serves the
// account-configuration section (/admin/config/verification), the level
// order (/admin/config/level-order: which levels satisfy a required one),
// the verification levels and the statuses (their data and rules are
// package levels), and the clone / machine-translate actions on a level's
// texts.
package verification

import (
	"clientarea/internal/admindoc"
	"clientarea/internal/i18n/translator"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/sections/verification/levels"
)

// Mount serves the verification routes on rt. tr may be nil: machine
// translation then answers 503 translation_unavailable.
func Mount(rt *httpapi.Router, env admindoc.Env, tr translator.Translator) {
	levelStore, statuses := levels.Levels(env), levels.Statuses(env)
	levelStore.Serve(rt)
	statuses.Serve(rt)
	admindoc.Mount(rt, env, levels.AccountSection(levelStore, statuses))
	admindoc.Mount(rt, env, levels.OrderSection(levelStore))
	texts := levelTexts{levels: levelStore, translator: tr}
	rt.Handle("POST "+levels.LevelsPath+"/{label}/clone", texts.clone, env.Guard)
	rt.Handle("POST "+levels.LevelsPath+"/{label}/translate", texts.translate, env.Guard)
}
