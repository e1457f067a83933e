// Package verification is the verification part of the configuration:
// the account-configuration section (/admin/config/verification), the
// verification levels and the statuses, and the clone / machine-translate
// actions on a level's texts.
//
// Levels and statuses may be named by the verification section and, once
// clients exist, held by clients. A delete refuses both in its own
// transaction: the section through a condition check on the section item,
// clients through the holders count that itemstore.Store.Hold maintains
// (the clients' writes add Levels(...).Hold(label, ±1) to their
// transactions).
package verification

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/itemapi"
	"clientarea/internal/admindoc/sectionapi"
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
func Mount(rt *httpapi.Router, env sectionapi.Env, tr translator.Translator) {
	levels, statuses := Levels(env.Table, env.Clock), Statuses(env.Table, env.Clock)
	table := env.Table.Name
	sectionapi.Mount(rt, AccountSection(levels, statuses), env)
	itemapi.Mount(rt, itemapi.Definition[Level]{
		Path: LevelsPath, Store: levels,
		Normalize: (*Level).Normalize, Validate: Level.Validate, Keep: keepLevel,
		DeleteChecks: func(label string) []types.TransactWriteItem {
			return []types.TransactWriteItem{notNamedCheck(table, "required_level", label)}
		},
		DeleteChecked: func(label string, _ int) error { return inUse("verification level", label, "required_level") },
	}, env.Guard)
	itemapi.Mount(rt, itemapi.Definition[Status]{
		Path: StatusesPath, Store: statuses,
		Normalize: (*Status).Normalize, Validate: Status.Validate, Keep: keepStatus,
		Undeletable: undeletableStatus,
		DeleteChecks: func(label string) []types.TransactWriteItem {
			return []types.TransactWriteItem{notNamedCheck(table, "required_status", label)}
		},
		DeleteChecked: func(label string, _ int) error { return inUse("status", label, "required_status") },
	}, env.Guard)
	texts := levelTexts{levels: levels, translator: tr}
	rt.Handle("POST "+LevelsPath+"/{label}/clone", texts.clone, env.Guard)
	rt.Handle("POST "+LevelsPath+"/{label}/translate", texts.translate, env.Guard)
}
