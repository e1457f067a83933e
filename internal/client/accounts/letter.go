package accounts

import (
	"context"
	"errors"
	"log/slog"

	"clientarea/internal/client/clients"
	"clientarea/internal/client/settings"
	"clientarea/internal/messaging"
)

// The activation letter: a notification event (kind activation_letter) to
// the client's address, in its language, published once per activation
// when the registration section's activation_letter is on. An account is
// activated by an admin, or on creation when the General section activates
// accounts on creation; either way the letter goes out after the write
// that activated it, and when it cannot be published that write is taken
// back and the answer is 503 notification_unavailable: nothing is left
// half done, and a retry activates (or opens) and sends once.

// letter publishes the activation letter of a to c.
func (o Opener) letter(ctx context.Context, c clients.Client, a Account) error {
	err := o.Notify.Publish(ctx, messaging.Event{
		Kind: messaging.KindActivationLetter, ClientID: c.ID, Email: c.Email, Language: c.Language,
		Data: map[string]string{"account_id": a.ID, "kind": a.Kind, "currency": a.Currency},
	})
	if err != nil {
		return messaging.NotificationUnavailable().Because("publish activation letter", err)
	}
	return nil
}

// announceOpening sends the letter of a, just opened for c, when it opened
// active and cfg asks for letters. When the letter cannot be published the
// opening is undone (the account deleted, the counters lowered, in one
// transaction) and the answer is 503.
func (o Opener) announceOpening(ctx context.Context, c clients.Client, cfg settings.Settings, a Account) error {
	if a.Status != Active || !cfg.Registration.ActivationLetter {
		return nil
	}
	sendErr := o.letter(ctx, c, a)
	if sendErr == nil {
		return nil
	}
	if err := o.store().undoOpen(ctx, a); err != nil {
		// The account stays open without its letter: say so in the log,
		// where the 503 below will not.
		slog.ErrorContext(ctx, "an account whose activation letter failed could not be taken back",
			"client_id", c.ID, "account_id", a.ID, "error", err.Error())
		return errors.Join(sendErr, err)
	}
	return sendErr
}
