package levels

import (
	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Status is a verification status a client can be in ("Approved"...).
type Status struct {
	Label      string            `json:"label"`      // unique regardless of case; immutable
	Default    bool              `json:"default"`    // read-only: true for Init only
	Text       map[string]string `json:"text"`       // by BCP 47 language code
	Properties Strings           `json:"properties"` // free name -> value pairs ("color": "green"); no nulls
}

// DefaultStatus is the status that always exists and cannot be deleted.
const DefaultStatus = "Init"

// StatusesAudit is the audit section of status changes.
const StatusesAudit = "statuses"

const (
	maxStatusText  = 200
	maxStatusProps = 50
	maxPropValue   = 500
)

// statusesDefinition is what statuses are: Init exists before it is
// first saved and is never deleted; deleteChecks are the conditions a delete
// needs (no section names the status).
func statusesDefinition(deleteChecks func(label string) []admindoc.Check) admindoc.Definition[Status] {
	return admindoc.Definition[Status]{
		Path: StatusesPath, Noun: "status", Type: dynamo.TypeStatus, Audit: StatusesAudit,
		Prefix: dynamo.StatusPrefix, Key: dynamo.StatusKey,
		Label: func(s Status) string { return s.Label }, ValidLabel: ValidLabel,
		Builtins:  func() []Status { return []Status{initStatus()} },
		Normalize: (*Status).Normalize, Validate: Status.Validate, Keep: keepStatus,
		Undeletable: undeletableStatus, DeleteChecks: deleteChecks,
	}
}

// Statuses returns the store of statuses, for code that reads them or
// holds them for clients (see Store.Hold).
func Statuses(env admindoc.Env) *admindoc.Store[Status] {
	return admindoc.New(env, statusesDefinition(statusDeleteChecks))
}

func initStatus() Status {
	return Status{Label: DefaultStatus, Default: true, Text: map[string]string{"en": DefaultStatus}, Properties: Strings{}}
}

// Normalize fills left-out maps, spells language codes canonically and sets
// the read-only Default flag (whatever the request said).
func (s *Status) Normalize() {
	s.Default = s.Label == DefaultStatus
	s.Text = canonicalKeys(s.Text)
	if s.Properties == nil {
		s.Properties = Strings{}
	}
}

// Validate checks a normalized status, naming every bad field.
func (s Status) Validate() error {
	var f apperr.Fields
	checkLabel(&f, s.Label)
	for _, code := range sortedKeys(s.Text) {
		CheckLanguage(&f, "text."+code, code)
		n := len([]rune(s.Text[code]))
		f.Check(n >= 1 && n <= maxStatusText, "text."+code, "must be 1-%d characters", maxStatusText)
	}
	f.Check(len(s.Properties) <= maxStatusProps, "properties", "at most %d properties", maxStatusProps)
	for _, name := range sortedKeys(s.Properties) {
		f.Check(isName(name), "properties."+name, "names must be 1-64 letters, digits, _ or -")
		f.Check(len([]rune(s.Properties[name])) <= maxPropValue, "properties."+name, "at most %d characters", maxPropValue)
	}
	return f.Err()
}

// keepStatus carries the label, which never changes, into an update.
func keepStatus(before Status, after *Status) error {
	var immutable apperr.Fields
	keep(&immutable, "label", before.Label, &after.Label)
	return immutableErr(immutable)
}

// undeletableStatus refuses deleting the default status.
func undeletableStatus(s Status) error {
	if s.Default || s.Label == DefaultStatus {
		return apperr.Newf(apperr.Conflict, "default_status", "%s is the default status and cannot be deleted", DefaultStatus)
	}
	return nil
}
