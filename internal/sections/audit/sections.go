package audit

import (
	"context"
	"net/http"
	"slices"

	"clientarea/internal/admindoc"
	"clientarea/internal/sections/documents"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security"
	"clientarea/internal/sections/verification/levels"
)

// The audit sections of the client administration's writes (admindoc.Commit):
// a client's level, status and manager, and its accounts.
const (
	ClientsAudit  = "clients"
	AccountsAudit = "accounts"
)

// readOnlyTrails are the audit sections that are read but never restored:
// a collection's (each entry is one item's change), the clients' and
// accounts' changes, and the test SMS events.
func readOnlyTrails() []string {
	return []string{levels.LevelsAudit, levels.StatusesAudit, security.TestSMSAudit, ClientsAudit, AccountsAudit}
}

// restorer puts one section back to a document its trail recorded, and
// answers it as the section's GET does.
type restorer struct {
	section string
	restore func(ctx context.Context, w http.ResponseWriter, snapshot map[string]any, expected int64, actor string) error
}

// restorerOf is the restorer of def's section.
func restorerOf[T any](env admindoc.Env, def admindoc.Definition[T]) restorer {
	store := admindoc.New(env, def)
	return restorer{section: def.Section, restore: func(ctx context.Context, w http.ResponseWriter, snapshot map[string]any, expected int64, actor string) error {
		rec, err := store.Restore(ctx, snapshot, expected, actor)
		if err != nil {
			return err
		}
		return store.WriteAnswer(ctx, w, http.StatusOK, rec)
	}}
}

// restorers are the sections that can be restored, by name: every
// configuration section, with the definition its own function serves.
func restorers(env admindoc.Env) map[string]restorer {
	levelStore, statuses := levels.Levels(env), levels.Statuses(env)
	all := []restorer{
		restorerOf(env, general.Section()),
		restorerOf(env, documents.Section()),
		restorerOf(env, security.Section()),
		restorerOf(env, security.RegistrationSection()),
		restorerOf(env, languages.Section(languages.VerificationGaps(env))),
		restorerOf(env, levels.AccountSection(levelStore, statuses)),
		restorerOf(env, levels.OrderSection(levelStore)),
	}
	byName := make(map[string]restorer, len(all))
	for _, r := range all {
		byName[r.section] = r
	}
	return byName
}

// known lists every audit section, sorted: the restorable ones and the
// read-only trails.
func known(restorable map[string]restorer) []string {
	names := readOnlyTrails()
	for name := range restorable {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
