package verification

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc/itemstore"
	"clientarea/internal/admindoc/sectionapi"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/dynamo"
)

// Account is the verification section document (the "Account
// configurations" block): what a client needs before accounts open.
type Account struct {
	OpenAccountOnSignup bool    `json:"open_account_on_signup"`
	RequiredLevel       *string `json:"required_level"`  // exact label of a level, or null
	RequiredStatus      *string `json:"required_status"` // exact label of a status, or null
}

// SectionName is the verification section's name (/admin/config/verification).
const SectionName = "verification"

// reference is one label the section names, and the check that it exists.
type reference struct {
	check types.TransactWriteItem
	err   error
}

// AccountSection is the section's definition. Saving it checks, in the same
// transaction, that the level and status it names exist; deleting a level
// or status checks that this section does not name it (deleteChecks). So
// neither can leave the other pointing at nothing, however they interleave.
func AccountSection(levels *itemstore.Store[Level], statuses *itemstore.Store[Status]) sectionapi.Definition[Account] {
	refs := func(a Account) []reference {
		var out []reference
		if a.RequiredLevel != nil {
			if c := levels.ExistsCheck(*a.RequiredLevel); c != nil {
				out = append(out, reference{*c, unknownLevel(*a.RequiredLevel)})
			}
		}
		if a.RequiredStatus != nil {
			if c := statuses.ExistsCheck(*a.RequiredStatus); c != nil {
				out = append(out, reference{*c, unknownStatus(*a.RequiredStatus)})
			}
		}
		return out
	}
	return sectionapi.Definition[Account]{
		Name:      SectionName,
		Defaults:  func() Account { return Account{} },
		Normalize: (*Account).Normalize,
		Validate:  Account.Validate,
		Checks: func(a Account) []types.TransactWriteItem {
			var checks []types.TransactWriteItem
			for _, r := range refs(a) {
				checks = append(checks, r.check)
			}
			return checks
		},
		Checked: func(a Account, failed int) error { return refs(a)[failed].err },
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
}

// Validate refuses labels no level or status can have; whether the named
// ones exist is checked in the write's own transaction.
func (a Account) Validate() error {
	if a.RequiredLevel != nil && !ValidLabel(*a.RequiredLevel) {
		return unknownLevel(*a.RequiredLevel)
	}
	if a.RequiredStatus != nil && !ValidLabel(*a.RequiredStatus) {
		return unknownStatus(*a.RequiredStatus)
	}
	return nil
}

func unknownLevel(label string) error {
	return apperr.InvalidField("unknown_level", "required_level", "there is no verification level labelled "+quote(label))
}

func unknownStatus(label string) error {
	return apperr.InvalidField("unknown_status", "required_status", "there is no status labelled "+quote(label))
}

// notNamedCheck is a condition check, for a level's or status's delete,
// that the verification section does not name label in field.
func notNamedCheck(table, field, label string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(table),
		Key:       dynamo.SectionKey(SectionName).KeyAttrs(),
		// NOT (x = :label) also holds when the field is null.
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR NOT (#doc.#field = :label)"),
		ExpressionAttributeNames:  map[string]string{"#doc": "doc", "#field": field},
		ExpressionAttributeValues: map[string]types.AttributeValue{":label": dynamo.S(label)},
	}}
}

func inUse(noun, label, field string) error {
	return apperr.Newf(apperr.Conflict, "in_use", "%s %s is the verification section's %s; change that first", noun, label, field)
}

// quote quotes a label for a message, shortening one that no label can be.
func quote(s string) string {
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64]) + "…"
	}
	return strconv.Quote(s)
}
