package security

import (
	"slices"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/apperr"
)

// Confirmation modes of a sign-up.
const (
	ConfirmNone          = "none"
	ConfirmEmail         = "email"
	ConfirmPhone         = "phone"
	ConfirmEmailAndPhone = "email_and_phone"
)

// ConfirmationModes returns the allowed confirmation modes: a new slice
// each time, which the caller may change.
func ConfirmationModes() []string {
	return []string{ConfirmNone, ConfirmEmail, ConfirmPhone, ConfirmEmailAndPhone}
}

// ClientTypes returns the allowed client types, the default first: a new
// slice each time, which the caller may change.
func ClientTypes() []string { return []string{"personal", "business"} }

// Registration is the Registration section document.
type Registration struct {
	Confirmation      string `json:"confirmation"`        // blank: none
	ActivationLetter  bool   `json:"activation_letter"`   // notify clients when an account is activated
	DefaultClientType string `json:"default_client_type"` // blank: personal
}

// RegistrationSection is the Registration section's definition.
func RegistrationSection() admindoc.Definition[Registration] {
	return admindoc.Definition[Registration]{
		Section:   "registration",
		Normalize: (*Registration).Normalize,
		Validate:  Registration.Validate,
	}
}

// Normalize gives blank fields their defaults.
func (r *Registration) Normalize() {
	if r.Confirmation == "" {
		r.Confirmation = ConfirmNone
	}
	if r.DefaultClientType == "" {
		r.DefaultClientType = ClientTypes()[0]
	}
}

// Validate checks a normalized document, naming every bad field.
func (r Registration) Validate() error {
	var f apperr.Fields
	modes, types := ConfirmationModes(), ClientTypes()
	f.Check(slices.Contains(modes, r.Confirmation), "confirmation", "must be one of %v", modes)
	f.Check(slices.Contains(types, r.DefaultClientType), "default_client_type", "must be one of %v", types)
	return f.Err()
}

// EmailConfirmation and PhoneConfirmation report what a sign-up must confirm.
func (r Registration) EmailConfirmation() bool {
	return r.Confirmation == ConfirmEmail || r.Confirmation == ConfirmEmailAndPhone
}

// PhoneConfirmation reports whether a sign-up must confirm a phone number.
func (r Registration) PhoneConfirmation() bool {
	return r.Confirmation == ConfirmPhone || r.Confirmation == ConfirmEmailAndPhone
}
