package clientadmin

import (
	"time"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
)

// View is a client as the back office sees it.
type View struct {
	ClientID           string               `json:"client_id"`
	Email              string               `json:"email"`
	PendingEmail       *string              `json:"pending_email"`
	Phone              *string              `json:"phone"` // E.164, unmasked: the back office's own data
	PhoneConfirmed     bool                 `json:"phone_confirmed"`
	Type               string               `json:"type"`
	Language           string               `json:"language"`
	Status             string               `json:"status"`
	Confirmation       clients.Confirmation `json:"confirmation"`
	TFAEnabled         bool                 `json:"tfa_enabled"`
	Level              *string              `json:"level"`
	VerificationStatus string               `json:"verification_status"`
	Manager            *clients.Manager     `json:"manager"`
	AccountCount       int64                `json:"account_count"`
	CreatedAt          time.Time            `json:"created_at"`
	LastSeenAt         *time.Time           `json:"last_seen_at"`
	// Online: seen within the general section's session_minutes, the
	// time a session stays alive without activity.
	Online bool `json:"online"`
}

func viewOf(c clients.Client, cfg settings.Settings, now time.Time) View {
	v := View{ClientID: c.ID, Email: c.Email, PhoneConfirmed: c.PhoneConfirmed(), Type: c.Type,
		Language: c.Language, Status: c.StatusText(), Confirmation: c.Confirmation(),
		TFAEnabled: c.TFAEnabled, VerificationStatus: c.VerificationStatus(), Manager: c.Manager,
		AccountCount: c.AccountCount, CreatedAt: c.CreatedAt, LastSeenAt: c.LastSeenAt}
	if c.PendingEmail != "" {
		v.PendingEmail = &c.PendingEmail
	}
	if c.Phone != "" {
		v.Phone = &c.Phone
	}
	if c.Level != "" {
		v.Level = &c.Level
	}
	v.Online = c.LastSeenAt != nil && now.Sub(*c.LastSeenAt) <= cfg.General.SessionIdle()
	return v
}
