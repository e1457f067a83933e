package accounts

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/i18n/currencies"
	"clientarea/internal/platform/apperr"
)

// Codes of what a client still lacks before it may open an account, in the
// order the rules are checked.
const (
	NeedConfirmation = "confirmation_required" // sign-up confirmation (email, phone) not done
	NeedLevel        = "level_required"        // the client's level does not satisfy required_level
	NeedStatus       = "status_required"       // the client's status is not required_status
	NeedFreeSlot     = "account_limit_reached" // max_accounts reached
)

// Requirement is one thing a client still lacks before it may open an
// account.
type Requirement struct {
	Code string `json:"code"`
	// Label is the level or status required (level_required,
	// status_required): exact labels, as the verification section names
	// them.
	Label string `json:"label,omitempty"`
	// Limit is max_accounts (account_limit_reached).
	Limit int `json:"limit,omitempty"`
}

// Missing lists what c still lacks, under cfg, before it may open an
// account of either kind, in the order the rules are checked: sign-up
// confirmation, the verification section's required level (held, or one
// the level order ranks above it) and status (exactly), and a free place
// under max_accounts. Empty when c may open one (a demo account also needs
// demo accounts on: that is the product's switch, not something the client
// can do). GET /me/verification shows it.
func Missing(cfg settings.Settings, c clients.Client) []Requirement {
	var out []Requirement
	if !c.Confirmed() {
		out = append(out, Requirement{Code: NeedConfirmation})
	}
	if level := required(cfg.Verification.RequiredLevel); !cfg.LevelOrder.Satisfies(level, c.Level) {
		out = append(out, Requirement{Code: NeedLevel, Label: level})
	}
	if status := required(cfg.Verification.RequiredStatus); status != "" && status != c.VerificationStatus() {
		out = append(out, Requirement{Code: NeedStatus, Label: status})
	}
	if limit := cfg.General.Clients.MaxAccounts; limit > 0 && c.AccountCount >= int64(limit) {
		out = append(out, Requirement{Code: NeedFreeSlot, Limit: limit})
	}
	return out
}

func required(label *string) string {
	if label == nil {
		return ""
	}
	return *label
}

// errSignupDone is the refusal of a signup account to a client that
// already has a live account.
var errSignupDone = errors.New("the client has a live account")

// decide answers whether c may open the account s asks for, under cfg:
// nil, or the error that refuses it, in the contract's order.
func decide(cfg settings.Settings, c clients.Client, s spec) error {
	if s.kind == Demo && !cfg.General.Clients.DemoAccount {
		return apperr.New(apperr.Conflict, "feature_disabled", "demo accounts are not offered")
	}
	if s.signup && c.LiveAccounts > 0 {
		return errSignupDone
	}
	missing := Missing(cfg, c)
	if len(missing) == 0 {
		return nil
	}
	switch missing[0].Code {
	case NeedConfirmation:
		return apperr.New(apperr.Forbidden, "confirmation_required",
			"confirm your sign-up (email or phone, as asked) before opening accounts")
	case NeedFreeSlot:
		return limitReached(missing[0].Limit)
	}
	return verificationRequired(cfg, c, missing)
}

func limitReached(limit int) error {
	return apperr.Newf(apperr.Conflict, "account_limit_reached", "a client may hold at most %d accounts", limit)
}

// verificationRequired is the 403 that says which level and status an
// account needs and what c holds.
func verificationRequired(cfg settings.Settings, c clients.Client, missing []Requirement) error {
	var needs []string
	for _, m := range missing {
		switch m.Code {
		case NeedLevel:
			held := "none"
			if c.Level != "" {
				held = c.Level
			}
			want := "verification level " + m.Label
			if slices.Contains(cfg.LevelOrder.Levels, m.Label) {
				want += " or a level ranked above it"
			}
			needs = append(needs, fmt.Sprintf("%s (held: %s)", want, held))
		case NeedStatus:
			needs = append(needs, fmt.Sprintf("status %s (held: %s)", m.Label, c.VerificationStatus()))
		}
	}
	return apperr.New(apperr.Forbidden, "verification_required",
		"opening an account needs "+strings.Join(needs, " and "))
}

// checkSpec validates what a client asked to open, naming each bad field.
func checkSpec(kind, currency string) error {
	var f apperr.Fields
	f.Check(kind == Live || kind == Demo, "kind", "must be %q or %q", Live, Demo)
	f.Check(currencies.Valid(currency), "currency", "must be a current ISO 4217 currency code in capitals, such as USD or EUR")
	return f.Err()
}
