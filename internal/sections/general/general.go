// Package general is the General configuration section: how many accounts a
// client may hold, which account features are on, and how long client
// sessions last.
package general

import (
	"time"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
)

// Limits of the section's numbers.
const (
	MaxAccountsLimit      = 1000
	DefaultSessionMinutes = 60
	MaxSessionMinutes     = 10080 // one week
)

// Config is the General section document.
type Config struct {
	Clients  Clients  `json:"clients"`
	Security Security `json:"security"`
}

// Clients is the "Clients" block.
type Clients struct {
	MaxAccounts             int   `json:"max_accounts"` // 0 = no limit
	ActivateAccountOnCreate *bool `json:"activate_account_on_create"`
	DemoAccount             bool  `json:"demo_account"`
	PersonalManager         bool  `json:"personal_manager"`
	ExchangeTFA             bool  `json:"exchange_tfa"`
	WithdrawalTFA           bool  `json:"withdrawal_tfa"`
}

// Security is the "Security" block: client session timeouts.
type Security struct {
	SessionMinutes        *int `json:"session_minutes"`         // idle timeout; blank = 60
	RefreshSessionMinutes *int `json:"refresh_session_minutes"` // blank = twice SessionMinutes
}

// Section is the section's definition for the shared section API.
func Section() admindoc.Definition[Config] {
	return admindoc.Definition[Config]{
		Section:   "general",
		Normalize: (*Config).Normalize,
		Validate:  Config.Validate,
	}
}

// Normalize applies the "left blank" rules: a missing activation flag is on,
// a blank session is 60 minutes and a blank refresh window is twice the
// session (capped at the largest allowed value, since the admin did not
// choose it).
func (c *Config) Normalize() {
	if c.Clients.ActivateAccountOnCreate == nil {
		c.Clients.ActivateAccountOnCreate = ptr(true)
	}
	if c.Security.SessionMinutes == nil {
		c.Security.SessionMinutes = ptr(DefaultSessionMinutes)
	}
	if c.Security.RefreshSessionMinutes == nil {
		c.Security.RefreshSessionMinutes = ptr(min(max(2**c.Security.SessionMinutes, 1), MaxSessionMinutes))
	}
}

// Validate checks a normalized document, naming every bad field.
func (c Config) Validate() error {
	var f apperr.Fields
	f.Range(c.Clients.MaxAccounts, "clients.max_accounts", 0, MaxAccountsLimit)
	session, refresh := *c.Security.SessionMinutes, *c.Security.RefreshSessionMinutes
	f.Range(session, "security.session_minutes", 1, MaxSessionMinutes)
	f.Range(refresh, "security.refresh_session_minutes", 1, MaxSessionMinutes)
	f.Check(refresh >= session || session < 1 || session > MaxSessionMinutes,
		"security.refresh_session_minutes", "must not be less than security.session_minutes (%d)", session)
	return f.Err()
}

// SessionIdle is how long a client session may stay idle.
func (c Config) SessionIdle() time.Duration {
	return time.Duration(*c.Security.SessionMinutes) * time.Minute
}

// RefreshWindow is how long a refresh token stays usable.
func (c Config) RefreshWindow() time.Duration {
	return time.Duration(*c.Security.RefreshSessionMinutes) * time.Minute
}

// ActivateOnCreate reports whether new accounts start active.
func (c Config) ActivateOnCreate() bool { return *c.Clients.ActivateAccountOnCreate }

func ptr[T any](v T) *T { return &v }
