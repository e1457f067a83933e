// Package clients is the client profile: one item per client
// (CLIENT#<id> / PROFILE) holding who the client is, how far sign-up
// confirmation went, the password hash and the second factor; and the
// items that claim an email address or a phone number for exactly one
// client (EMAIL#<lower(email)>, PHONE#<e164>), written in the same
// transaction as the profile, so two sign-ups with one address cannot both
// win.
//
// credentials_version counts password changes. What was decided on a
// password (a session created at login, a password-reset token issued for
// it) carries the version it was decided on and is written only under a
// condition that it is still current: a password reset that lands between
// the check and the write wins, and the late session is never created.
package clients

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/verification/levels"
)

// Confirmation states of an email address or a phone number.
const (
	Pending     = "pending"
	Confirmed   = "confirmed"
	NotRequired = "not_required"
)

// Client statuses, as sign-up answers them.
const (
	StatusConfirmed           = "confirmed"
	StatusPendingConfirmation = "pending_confirmation"
)

// Client is a client's profile.
type Client struct {
	ID                 string `dynamodbav:"client_id" json:"client_id"`
	Email              string `dynamodbav:"email" json:"email"`
	Phone              string `dynamodbav:"phone,omitempty" json:"-"` // E.164; empty: none
	EmailState         string `dynamodbav:"email_confirmation" json:"-"`
	PhoneState         string `dynamodbav:"phone_confirmation" json:"-"`
	PasswordHash       string `dynamodbav:"password_hash" json:"-"` // argon2id, PHC string
	CredentialsVersion int64  `dynamodbav:"credentials_version" json:"-"`
	TFAEnabled         bool   `dynamodbav:"tfa_enabled" json:"-"`
	Type               string `dynamodbav:"client_type" json:"type"`
	Language           string `dynamodbav:"language" json:"language"`
	// Level and Status are the verification level and status an admin
	// gave the client: exact labels; no level is "", no status is Init
	// (see VerificationStatus).
	Level  string `dynamodbav:"level,omitempty" json:"-"`
	Status string `dynamodbav:"verification_status,omitempty" json:"-"`
	// AccountCount and LiveAccounts count the client's accounts (all, and
	// live ones): the transactions that open accounts keep them exact and
	// hold max_accounts against them.
	AccountCount int64      `dynamodbav:"account_count" json:"-"`
	LiveAccounts int64      `dynamodbav:"live_accounts" json:"-"`
	Manager      *Manager   `dynamodbav:"manager,omitempty" json:"-"`
	CreatedAt    time.Time  `dynamodbav:"created_at" json:"created_at"`
	LastSeenAt   *time.Time `dynamodbav:"last_seen_at,omitempty" json:"-"`
	// EmailToken is the hash of the newest email-confirmation token: only
	// that one confirms, so a resend voids the earlier links.
	EmailToken string `dynamodbav:"email_token,omitempty" json:"-"`
	// PendingEmail is the address the client asked to change to, until its
	// link is used; PendingEmailToken the hash of that link's token.
	PendingEmail      string `dynamodbav:"pending_email,omitempty" json:"-"`
	PendingEmailToken string `dynamodbav:"pending_email_token,omitempty" json:"-"`
}

// Manager is the client's personal manager, as the back office assigned it.
type Manager struct {
	ID   string `dynamodbav:"manager_id" json:"manager_id"`
	Name string `dynamodbav:"name" json:"name"`
}

// VerificationStatus is the client's status: Init until an admin sets one.
func (c Client) VerificationStatus() string {
	if c.Status == "" {
		return levels.DefaultStatus
	}
	return c.Status
}

// Confirmation is what sign-up confirmation still waits for.
type Confirmation struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Confirmation returns c's confirmation states.
func (c Client) Confirmation() Confirmation {
	return Confirmation{Email: c.EmailState, Phone: c.PhoneState}
}

// Confirmed reports whether nothing of sign-up confirmation is pending.
func (c Client) Confirmed() bool { return c.EmailState != Pending && c.PhoneState != Pending }

// StatusText is "confirmed" or "pending_confirmation".
func (c Client) StatusText() string {
	if c.Confirmed() {
		return StatusConfirmed
	}
	return StatusPendingConfirmation
}

// PhoneConfirmed reports whether c has a phone number it proved to hold.
func (c Client) PhoneConfirmed() bool { return c.Phone != "" && c.PhoneState == Confirmed }

// NewID returns a new client or account id: 128 random bits, as 32
// lower-case hex digits.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// Store reads and writes client profiles.
type Store struct {
	Table dynamo.Table
	Clock clock.Clock
}

func (s Store) table() *string { return aws.String(s.Table.Name) }

// Create writes a new client and claims its email (and phone, if any) in
// one transaction, with the items of with (the client's first session), so
// that none exists without the others. A claimed email is 409 email_taken,
// a claimed phone 409 phone_taken; nothing is written then.
func (s Store) Create(ctx context.Context, c Client, with ...types.TransactWriteItem) error {
	profile, err := s.profileItem(c)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{
		{Put: s.claim(dynamo.EmailKey(c.Email), c.ID)},
		{Put: &types.Put{TableName: s.table(), Item: profile, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: s.listing(c)},
	}
	phoneAt := -1
	if c.Phone != "" {
		phoneAt = len(items)
		items = append(items, types.TransactWriteItem{Put: s.claim(dynamo.PhoneKey(c.Phone), c.ID)})
	}
	err = s.Table.TransactWrite(ctx, append(items, with...))
	if err == nil {
		return nil
	}
	failed := dynamo.FailedConditions(err)
	switch {
	case slices.Contains(failed, 0):
		return EmailTaken()
	case phoneAt >= 0 && slices.Contains(failed, phoneAt):
		return PhoneTaken()
	case len(failed) > 0: // a client id collision: 128 random bits, never
		return apperr.Internalf("create client", err)
	}
	return fmt.Errorf("create client: %w", err)
}

// EmailTaken is the answer for an address another client holds.
func EmailTaken() error {
	return apperr.New(apperr.Conflict, "email_taken", "this email address is already registered")
}

// PhoneTaken is the answer for a number another client holds.
func PhoneTaken() error {
	return apperr.New(apperr.Conflict, "phone_taken", "this phone number belongs to another client")
}

func (s Store) profileItem(c Client) (map[string]types.AttributeValue, error) {
	key := dynamo.ClientKey(c.ID)
	av, err := dynamo.MarshalItem(c, map[string]types.AttributeValue{
		"PK": dynamo.S(key.PK), "SK": dynamo.S(key.SK), "type": dynamo.S(dynamo.TypeClient),
	})
	if err != nil {
		return nil, apperr.Internalf("encode client", err)
	}
	return av, nil
}

// listing is c's entry in the client directory (what admins page through).
func (s Store) listing(c Client) *types.Put {
	key := dynamo.ClientDirectoryKey(c.CreatedAt, c.ID)
	return &types.Put{TableName: s.table(), Item: map[string]types.AttributeValue{
		"PK": dynamo.S(key.PK), "SK": dynamo.S(key.SK), "type": dynamo.S(dynamo.TypeClientListed),
		"client_id": dynamo.S(c.ID),
	}}
}

func (s Store) claim(key dynamo.Key, clientID string) *types.Put {
	return &types.Put{TableName: s.table(), ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: map[string]types.AttributeValue{
			"PK": dynamo.S(key.PK), "SK": dynamo.S(key.SK), "type": dynamo.S(dynamo.TypeUnique),
			"client_id": dynamo.S(clientID),
		}}
}

// ErrNotFound is a client that does not exist (any more).
var ErrNotFound = errors.New("no such client")

// Get returns the client with id, or ErrNotFound.
func (s Store) Get(ctx context.Context, id string) (Client, error) {
	item, err := s.Table.Get(ctx, dynamo.ClientKey(id))
	if err != nil {
		return Client{}, fmt.Errorf("read client: %w", err)
	}
	if item == nil {
		return Client{}, ErrNotFound
	}
	var c Client
	if err := dynamo.UnmarshalItem(item, &c); err != nil {
		return Client{}, apperr.Internalf("decode client", err)
	}
	return c, nil
}

// ByEmail returns the client holding email (any case), or ErrNotFound.
func (s Store) ByEmail(ctx context.Context, email string) (Client, error) {
	id, err := s.EmailOwner(ctx, email)
	if err != nil {
		return Client{}, err
	}
	if id == "" {
		return Client{}, ErrNotFound
	}
	return s.Get(ctx, id)
}

// SignedIn is the transaction item of a sign-in decided on c's password:
// it records the client as seen at now (the back office's last_seen_at and
// online), and holds only while c's password is the one it was read with.
func (s Store) SignedIn(c Client, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: s.update(c.ID, "SET last_seen_at = :now", "credentials_version = :v",
		map[string]types.AttributeValue{":v": dynamo.N(c.CredentialsVersion), ":now": dynamo.S(dynamo.Sortable(now))})}
}

// update is one UpdateItem of c's profile.
func (s Store) update(id, expr, cond string, values map[string]types.AttributeValue) *types.Update {
	u := &types.Update{TableName: s.table(), Key: dynamo.ClientKey(id).KeyAttrs(),
		UpdateExpression: aws.String(expr), ExpressionAttributeValues: values}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	return u
}

func (s Store) run(ctx context.Context, op string, u *types.Update) error {
	_, err := s.Table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: u.TableName, Key: u.Key,
		UpdateExpression: u.UpdateExpression, ConditionExpression: u.ConditionExpression,
		ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues})
	if dynamo.IsConditionFailed(err) {
		return ErrChanged
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// ErrChanged is an update whose condition failed: the profile changed
// since it was read (or is gone).
var ErrChanged = errors.New("the client changed meanwhile")

// SetPasswordUpdate replaces c's password hash and counts a credentials
// change, under the condition that c's credentials are still the ones
// read: a transaction item, for the flows that consume a token with it.
func (s Store) SetPasswordUpdate(c Client, hash string) *types.Update {
	return s.update(c.ID, "SET password_hash = :h, credentials_version = credentials_version + :one",
		"credentials_version = :v", map[string]types.AttributeValue{
			":h": dynamo.S(hash), ":one": dynamo.N(1), ":v": dynamo.N(c.CredentialsVersion)})
}

// SetPassword is SetPasswordUpdate on its own.
func (s Store) SetPassword(ctx context.Context, c Client, hash string) error {
	return s.run(ctx, "set password", s.SetPasswordUpdate(c, hash))
}

// UpgradeHash stores a stronger hash of the same password (a login found
// the stored one made with weaker parameters). It is not a credentials
// change; it applies only if the hash is still the one checked.
func (s Store) UpgradeHash(ctx context.Context, c Client, hash string) error {
	return s.run(ctx, "upgrade password hash", s.update(c.ID, "SET password_hash = :h", "password_hash = :old",
		map[string]types.AttributeValue{":h": dynamo.S(hash), ":old": dynamo.S(c.PasswordHash)}))
}

// EmailTokenUpdate makes hash c's one valid email-confirmation token, if
// c's address is still the one read and still to be confirmed: a
// transaction item, written with the token it names (kit.SendLink).
func (s Store) EmailTokenUpdate(c Client, hash string) *types.Update {
	return s.update(c.ID, "SET email_token = :t",
		"email = :e AND email_confirmation = :pending", map[string]types.AttributeValue{
			":t": dynamo.S(hash), ":e": dynamo.S(c.Email), ":pending": dynamo.S(Pending)})
}

// ConfirmEmailUpdate confirms email for client id, if it is still the
// client's address and hash still its newest confirmation token.
func (s Store) ConfirmEmailUpdate(id, email, hash string) *types.Update {
	return s.update(id, "SET email_confirmation = :c REMOVE email_token",
		"email = :e AND email_token = :t", map[string]types.AttributeValue{
			":c": dynamo.S(Confirmed), ":e": dynamo.S(email), ":t": dynamo.S(hash)})
}

// ConfirmPhone confirms number for c, if it is still c's number, and
// returns the profile as the update left it (the update's own answer: no
// read after it).
func (s Store) ConfirmPhone(ctx context.Context, c Client, number string) (Client, error) {
	u := s.update(c.ID, "SET phone_confirmation = :c", "phone = :p",
		map[string]types.AttributeValue{":c": dynamo.S(Confirmed), ":p": dynamo.S(number)})
	out, err := s.Table.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: u.TableName, Key: u.Key,
		UpdateExpression: u.UpdateExpression, ConditionExpression: u.ConditionExpression,
		ExpressionAttributeValues: u.ExpressionAttributeValues, ReturnValues: types.ReturnValueAllNew})
	if dynamo.IsConditionFailed(err) {
		return Client{}, ErrChanged
	}
	if err != nil {
		return Client{}, fmt.Errorf("confirm phone: %w", err)
	}
	var now Client
	if err := dynamo.UnmarshalItem(out.Attributes, &now); err != nil {
		return Client{}, apperr.Internalf("decode client", err)
	}
	return now, nil
}

// PhoneOwner returns the id of the client holding number, "" when none does.
func (s Store) PhoneOwner(ctx context.Context, number string) (string, error) {
	return s.owner(ctx, dynamo.PhoneKey(number), "phone")
}

// EmailOwner returns the id of the client holding email (any case), ""
// when none does.
func (s Store) EmailOwner(ctx context.Context, email string) (string, error) {
	return s.owner(ctx, dynamo.EmailKey(email), "email")
}

// owner reads the claim at key (of what: "email", "phone"): the id of the
// client holding it, or "".
func (s Store) owner(ctx context.Context, key dynamo.Key, what string) (string, error) {
	item, err := s.Table.Get(ctx, key)
	if err != nil {
		return "", fmt.Errorf("read %s claim: %w", what, err) // not the key: it holds the address
	}
	return OwnerOf(item), nil
}

// OwnerOf is the id of the client holding a claim item (an email or phone
// claim), or "" for none (a nil item).
func OwnerOf(claim map[string]types.AttributeValue) string {
	id, _ := claim["client_id"].(*types.AttributeValueMemberS)
	if id == nil {
		return ""
	}
	return id.Value
}
