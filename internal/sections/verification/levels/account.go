package levels

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/i18n/currencies"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Account is the verification section document (the "Account
// configurations" block): what a client needs before accounts open.
type Account struct {
	OpenAccountOnSignup bool    `json:"open_account_on_signup"`
	RequiredLevel       *string `json:"required_level"`  // exact label of a level, or null
	RequiredStatus      *string `json:"required_status"` // exact label of a status, or null
	// SignupAccountCurrency is the currency of the live account
	// open_account_on_signup opens (ISO 4217); blank or null: USD.
	SignupAccountCurrency *string `json:"signup_account_currency"`
}

// DefaultSignupCurrency is the signup account's currency unless set.
const DefaultSignupCurrency = "USD"

// SignupCurrency is the currency of the account opened at sign-up.
func (a Account) SignupCurrency() string {
	if a.SignupAccountCurrency == nil {
		return DefaultSignupCurrency
	}
	return *a.SignupAccountCurrency
}

// SectionName is the verification section's name (/admin/config/verification).
const SectionName = "verification"

// AccountSection is the section's definition. Saving it checks, in the same
// transaction, that the level and status it names exist; deleting a level
// or status checks that this section does not name it (levelDeleteChecks,
// statusDeleteChecks). So neither can leave the other pointing at nothing,
// however they interleave.
func AccountSection(levels *admindoc.Store[Level], statuses *admindoc.Store[Status]) admindoc.Definition[Account] {
	return admindoc.Definition[Account]{
		Section:   SectionName,
		Defaults:  func() Account { return Account{SignupAccountCurrency: ptr(DefaultSignupCurrency)} },
		Normalize: (*Account).Normalize,
		Validate:  Account.Validate,
		Checks: func(a Account) []admindoc.Check {
			var checks []admindoc.Check
			if a.RequiredLevel != nil {
				checks = append(checks, levels.ExistsCheck(*a.RequiredLevel, UnknownLevel(requiredLevel, *a.RequiredLevel))...)
			}
			if a.RequiredStatus != nil {
				checks = append(checks, statuses.ExistsCheck(*a.RequiredStatus, UnknownStatus(requiredStatus, *a.RequiredStatus))...)
			}
			return checks
		},
	}
}

// Normalize treats a blank label like null: nothing required.
func (a *Account) Normalize() {
	if a.RequiredLevel != nil && *a.RequiredLevel == "" {
		a.RequiredLevel = nil
	}
	if a.RequiredStatus != nil && *a.RequiredStatus == "" {
		a.RequiredStatus = nil
	}
	if a.SignupAccountCurrency == nil || *a.SignupAccountCurrency == "" {
		a.SignupAccountCurrency = ptr(DefaultSignupCurrency)
	}
}

func ptr[T any](v T) *T { return &v }

// Validate refuses labels no level or status can have; whether the named
// ones exist is checked in the write's own transaction.
func (a Account) Validate() error {
	if a.RequiredLevel != nil && !ValidLabel(*a.RequiredLevel) {
		return UnknownLevel(requiredLevel, *a.RequiredLevel)
	}
	if a.RequiredStatus != nil && !ValidLabel(*a.RequiredStatus) {
		return UnknownStatus(requiredStatus, *a.RequiredStatus)
	}
	if !currencies.Valid(a.SignupCurrency()) {
		return apperr.InvalidField("validation_failed", "signup_account_currency",
			"must be a current ISO 4217 currency code in capitals, such as USD or EUR")
	}
	return nil
}

// UnknownLevel answers a level label in field that names no level (labels
// are exact: another case is another label).
func UnknownLevel(field, label string) error {
	return apperr.InvalidField("unknown_level", field, "there is no verification level labelled "+quote(label))
}

// UnknownStatus answers a status label in field that names no status.
func UnknownStatus(field, label string) error {
	return apperr.InvalidField("unknown_status", field, "there is no status labelled "+quote(label))
}

// The section's fields that name a level and a status.
const (
	requiredLevel  = "required_level"
	requiredStatus = "required_status"
)

// levelDeleteChecks are the conditions of deleting the level labelled
// label, in the delete's own transaction: the verification section does
// not require it and the level order does not list it.
func levelDeleteChecks(label string) []admindoc.Check {
	return []admindoc.Check{
		notRequired(requiredLevel, "verification level", label),
		notNamedIn(OrderSectionName, "NOT contains(#doc.#field, :label)", "levels", label,
			apperr.Newf(apperr.Conflict, "in_use", "verification level %s is in the level order; "+
				"take it out of the level order (PUT /admin/config/level-order) first", label)),
	}
}

// statusDeleteChecks are the conditions of deleting the status labelled
// label: the verification section does not require it.
func statusDeleteChecks(label string) []admindoc.Check {
	return []admindoc.Check{notRequired(requiredStatus, "status", label)}
}

// notRequired is the delete check that the verification section's field
// (required_level or required_status) is not label; noun names what it is.
func notRequired(field, noun, label string) admindoc.Check {
	// NOT (x = :label) also holds when the field is null.
	return notNamedIn(SectionName, "NOT (#doc.#field = :label)", field, label,
		apperr.Newf(apperr.Conflict, "in_use", "%s %s is the verification section's %s; change that first", noun, label, field))
}

// notNamedIn is a delete check on section's item: condition, which speaks
// of the document's field as #doc.#field and of the deleted label as
// :label, holds. A section never saved names nothing, so it passes then.
func notNamedIn(section, condition, field, label string, err error) admindoc.Check {
	return admindoc.Check{
		Err: err,
		Item: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			Key:                       dynamo.SectionKey(section).KeyAttrs(),
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR " + condition),
			ExpressionAttributeNames:  map[string]string{"#doc": "doc", "#field": field},
			ExpressionAttributeValues: map[string]types.AttributeValue{":label": dynamo.S(label)},
		}},
	}
}

// quote quotes a label for a message, shortening one that no label can be.
func quote(s string) string {
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64]) + "…"
	}
	return strconv.Quote(s)
}
