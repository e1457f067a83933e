package clientadmin

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
	"clientarea/internal/platform/principal"
	"clientarea/internal/sections/verification/levels"
)

// verification is a client's level and status, as PUT and audited. A
// null or blank level is none; a null or blank status is Init.
type verification struct {
	Level  *string `json:"level"`
	Status *string `json:"status"`
}

func (v verification) normalized() (level, status string) {
	if v.Level != nil {
		level = *v.Level
	}
	status = levels.DefaultStatus
	if v.Status != nil && *v.Status != "" {
		status = *v.Status
	}
	return level, status
}

// errChanged is the profile's own condition failing: its level or status
// moved since it was read.
var errChanged = errors.New("the client's verification changed meanwhile")

// changeAttempts bounds how often an assignment that lost a race is
// decided again on the fresh profile.
const changeAttempts = 3

func (s *service) setVerification(w http.ResponseWriter, r *http.Request) error {
	var req verification
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	level, status := req.normalized()
	if err := checkLabels(level, status); err != nil {
		return err
	}
	ctx := r.Context()
	for attempt := 1; ; attempt++ {
		c, err := s.client(r)
		if err != nil {
			return err
		}
		err = s.assign(ctx, c, level, status, principal.From(ctx).Subject)
		if errors.Is(err, errChanged) {
			if attempt < changeAttempts {
				continue
			}
			return apperr.New(apperr.Conflict, "concurrent_update",
				"the client's verification kept changing meanwhile; read it and try again")
		}
		if err != nil {
			return err
		}
		c.Level, c.Status = level, status
		cfg, err := settings.Load(ctx, s.table)
		if err != nil {
			return err
		}
		s.openSignupAccount(ctx, c, cfg)
		return s.answerWith(w, c, cfg)
	}
}

// checkLabels refuses labels no level or status can have; whether they
// exist is checked in the assignment's transaction.
func checkLabels(level, status string) error {
	if level != "" && !levels.ValidLabel(level) {
		return levels.UnknownLevel("level", level)
	}
	if !levels.ValidLabel(status) {
		return levels.UnknownStatus("status", status)
	}
	return nil
}

// assign gives c level and status in one audited transaction that also
// moves the holders counts from c's old level and status to the new ones.
// Assigning what c already has writes nothing.
func (s *service) assign(ctx context.Context, c clients.Client, level, status, actor string) error {
	oldStatus := c.VerificationStatus()
	if c.Level == level && oldStatus == status {
		return nil
	}
	checks := []admindoc.Check{{Item: types.TransactWriteItem{Update: s.clients.VerificationUpdate(c, level, status)}, Err: errChanged}}
	if c.Level != level {
		checks = append(checks, hold(s.levels.Hold, level, +1, levels.UnknownLevel("level", level))...)
		checks = append(checks, hold(s.levels.Hold, c.Level, -1, released("level", c.Level))...)
	}
	if oldStatus != status {
		checks = append(checks, hold(s.statuses.Hold, status, +1, levels.UnknownStatus("status", status))...)
		checks = append(checks, hold(s.statuses.Hold, oldStatus, -1, released("status", oldStatus))...)
	}
	return s.commit(ctx, "set client verification", c.ID, actor,
		verificationDoc(c.Level, oldStatus), verificationDoc(level, status), checks)
}

// hold is the holders-count change of the item labelled label (none for
// no label, or for a built-in item, which is never deleted and not
// counted); err answers its condition failing (the item does not exist).
func hold(h func(string, int64) (types.TransactWriteItem, bool), label string, delta int64, err error) []admindoc.Check {
	if label == "" {
		return nil
	}
	item, ok := h(label, delta)
	if !ok {
		return nil
	}
	return []admindoc.Check{{Item: item, Err: err}}
}

// released answers a release that failed: the item a client held is gone,
// which the holders count exists to prevent.
func released(what, label string) error {
	return apperr.Internalf("release "+what, fmt.Errorf("the %s %q a client held no longer exists", what, label))
}

func verificationDoc(level, status string) map[string]any {
	var l any
	if level != "" {
		l = level
	}
	return map[string]any{"level": l, "status": status}
}
