package security

import (
	"slices"

	"clientarea/internal/admindoc/sectionapi"
	"clientarea/internal/platform/apperr"
)

// Confirmation modes of a sign-up.
const (
	ConfirmNone          = "none"
	ConfirmEmail         = "email"
	ConfirmPhone         = "phone"
	ConfirmEmailAndPhone = "email_and_phone"
)

// ConfirmationModes and ClientTypes are the allowed values.
var (
	ConfirmationModes = []string{ConfirmNone, ConfirmEmail, ConfirmPhone, ConfirmEmailAndPhone}
	ClientTypes       = []string{"personal", "business"}
)

// Registration is the Registration section document.
type Registration struct {
	Confirmation      string `json:"confirmation"`        // blank: none
	ActivationLetter  bool   `json:"activation_letter"`   // notify clients when an account is activated
	DefaultClientType string `json:"default_client_type"` // blank: personal
}

// RegistrationSection is the Registration section's definition.
var RegistrationSection = sectionapi.Definition[Registration]{
	Name:      "registration",
	Normalize: (*Registration).Normalize,
	Validate:  Registration.Validate,
}

// Normalize gives blank fields their defaults.
func (r *Registration) Normalize() {
	if r.Confirmation == "" {
		r.Confirmation = ConfirmNone
	}
	if r.DefaultClientType == "" {
		r.DefaultClientType = ClientTypes[0]
	}
}

// Validate checks a normalized document, naming every bad field.
func (r Registration) Validate() error {
	var f apperr.Fields
	f.Check(slices.Contains(ConfirmationModes, r.Confirmation), "confirmation", "must be one of %v", ConfirmationModes)
	f.Check(slices.Contains(ClientTypes, r.DefaultClientType), "default_client_type", "must be one of %v", ClientTypes)
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
