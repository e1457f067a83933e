package session

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/general"
)

// Limits are the time limits of sessions, as configured now.
type Limits struct {
	Idle     time.Duration // general session_minutes
	Refresh  time.Duration // general refresh_session_minutes
	Absolute time.Duration // security absolute_session_hours
}

// GeneralConfig is what Limits need of the general section
// (general.Config).
type GeneralConfig interface {
	SessionIdle() time.Duration
	RefreshWindow() time.Duration
}

// SecurityConfig is what Limits need of the security section
// (security.Config).
type SecurityConfig interface {
	AbsoluteSessionLifetime() time.Duration
}

// LimitsOf returns the limits the two sections set; with settings loaded
// by package settings: LimitsOf(s.General, s.Security). (It takes the two
// sections rather than settings.Settings so that this package, and the
// authorizer's binary, do not link everything package settings decodes.)
func LimitsOf(g GeneralConfig, s SecurityConfig) Limits {
	return Limits{Idle: g.SessionIdle(), Refresh: g.RefreshWindow(), Absolute: s.AbsoluteSessionLifetime()}
}

// defaultAbsoluteSessionHours is security.DefaultAbsoluteSessionHours; a
// test holds them equal.
const defaultAbsoluteSessionHours = 12

// securityView is the part of the security section sessions need, decoded
// from the same stored document as security.Config.
type securityView struct {
	AbsoluteSessionHours *int `json:"absolute_session_hours"`
}

func (c *securityView) normalize() {
	if c.AbsoluteSessionHours == nil {
		h := defaultAbsoluteSessionHours
		c.AbsoluteSessionHours = &h
	}
}

// AbsoluteSessionLifetime is how long a session may last however active.
func (c securityView) AbsoluteSessionLifetime() time.Duration {
	return time.Duration(*c.AbsoluteSessionHours) * time.Hour
}

// The decoders of the two sections' items; they never touch the table.
var (
	generalDocs  = admindoc.New(admindoc.Env{}, general.Section())
	securityDocs = admindoc.New(admindoc.Env{}, admindoc.Definition[securityView]{
		Section: "security", Normalize: (*securityView).normalize,
	})
	generalKey  = dynamo.SectionKey(general.Section().Section)
	securityKey = dynamo.SectionKey("security")
)

// limitsFromItems decodes the limits from the general and security
// section items; a nil item (never saved) takes the defaults.
func limitsFromItems(generalItem, securityItem map[string]types.AttributeValue) (Limits, error) {
	g, err := generalDocs.Decode(generalItem)
	if err != nil {
		return Limits{}, err
	}
	s, err := securityDocs.Decode(securityItem)
	if err != nil {
		return Limits{}, err
	}
	return LimitsOf(g.Doc, s.Doc), nil
}
