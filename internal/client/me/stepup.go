package me

import (
	"context"

	"clientarea/internal/client/clients"
	"clientarea/internal/platform/apperr"
)

// Operations of the step-up proofs, beyond the security section's: a
// change of a second factor needs an operation token for that change.
const (
	opChangePhone = "change_phone" // replace a confirmed phone
	opRemovePhone = "remove_phone" // remove a confirmed phone
	opDisableTFA  = "disable_tfa"
)

// stepUpOperations are the operations that always need a fresh proof.
func stepUpOperations() []string { return []string{opChangePhone, opRemovePhone, opDisableTFA} }

// tfaRequired is the answer for a change that needs an operation token the
// request lacks, or whose token does not redeem.
func tfaRequired(op string) error {
	return apperr.Newf(apperr.Forbidden, "tfa_required",
		"this needs a fresh second factor: get an operation token for %q at POST /me/tfa/challenges and send it as operation_token", op)
}

// stepUp redeems token as the proof of c's second factor for op. A missing
// token, or one that does not redeem (unknown, used, expired, another
// operation's), is 403 tfa_required; only a failure to read or write is
// passed on as it is.
func (s *service) stepUp(ctx context.Context, c clients.Client, op string, token *string) error {
	if token == nil || *token == "" {
		return tfaRequired(op)
	}
	err := s.optokens.Consume(ctx, *token, c.ID, op)
	if err == nil {
		return nil
	}
	switch apperr.KindOf(err) {
	case apperr.Internal, apperr.Unavailable:
		return err
	}
	return tfaRequired(op)
}
