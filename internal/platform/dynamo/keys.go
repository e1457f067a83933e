package dynamo

import (
	"strconv"
	"strings"
	"time"
)

// Every DynamoDB key string of the service is built here, so that the table's
// layout can be read in one place. See docs/data-model.md.

// Key is an item's primary key.
type Key struct {
	PK string `dynamodbav:"PK"`
	SK string `dynamodbav:"SK"`
}

// Item types, stored in each item's "type" attribute.
const (
	TypeSection = "section"
	TypeAudit   = "audit"
	TypeLevel   = "level"
	TypeStatus  = "status"
)

const configPK = "CONFIG"

// SectionKey is the key of a configuration section document ("general"...).
func SectionKey(section string) Key {
	return Key{PK: configPK, SK: "SECTION#" + section}
}

// Verification levels and statuses live in the configuration partition,
// one item each, keyed by their lower-cased label so that labels are unique
// regardless of case.
const (
	LevelPrefix  = "LEVEL#"
	StatusPrefix = "STATUS#"
)

// LevelKey is the key of the verification level labelled label (any case).
func LevelKey(label string) Key { return Key{PK: configPK, SK: LevelPrefix + Lower(label)} }

// StatusKey is the key of the status labelled label (any case).
func StatusKey(label string) Key { return Key{PK: configPK, SK: StatusPrefix + Lower(label)} }

// ConfigPartition is the partition holding all configuration, so that
// everything a client request needs is one Query.
func ConfigPartition() string { return configPK }

// AuditPartition is the partition of one section's audit trail.
func AuditPartition(section string) string { return "AUDIT#" + section }

// AuditKey is the key of one audit entry; its sort key orders entries in time.
func AuditKey(section string, at time.Time, id string) Key {
	return Key{PK: AuditPartition(section), SK: Sortable(at) + "#" + id}
}

// Lower is the case-folding used in keys that must be unique regardless of case.
func Lower(s string) string { return strings.ToLower(s) }

// SortableTime is RFC 3339 with a fixed nine-digit fraction: unlike
// time.RFC3339Nano it never trims zeros, so its strings sort in time order.
const SortableTime = "2006-01-02T15:04:05.000000000Z07:00"

// Sortable is t in UTC as SortableTime: how times are stored where a
// condition or a sort key compares them as strings.
func Sortable(t time.Time) string { return t.UTC().Format(SortableTime) }

// Item types of the SMS one-time-password engine.
const (
	TypeOTP        = "otp"
	TypeOTPSubject = "otp_subject"
	TypeRate       = "rate"
)

// OTPKey is the key of one OTP challenge; id carries at least 128 random bits.
func OTPKey(id string) Key {
	return Key{PK: "OTP#" + id, SK: "OTP"}
}

// OTPSubjectKey is the key of what the OTP engine keeps per subject and
// purpose across challenges (the open challenge, the recent wrong codes).
// subjectHash is a keyed hash of the subject: subjects may be emails or
// numbers, which keys should not show, and a hash has a bounded length.
// The partition stays under "OTP#", the only one the functions that verify
// codes may write besides the send limits; a challenge id never holds "#".
func OTPSubjectKey(purpose, subjectHash string) Key {
	return Key{PK: "OTP#subject#" + purpose + "#" + subjectHash, SK: "SUBJECT"}
}

// RateKey is the key of one rate-limit item: kind says what is limited
// ("sms_number_hour"...), subject whom (an E.164 number...), part which of
// the rule's items. Part comes last and holds no "#", so a subject holding
// one cannot pass for another subject's item.
func RateKey(kind, subject, part string) Key {
	return Key{PK: "RATE#" + kind + "#" + subject + "#" + part, SK: "RATE"}
}

// RateShardKey is the key of one of the items (shards) a send budget's
// slots are spread over, numbered from 0.
func RateShardKey(kind, subject string, shard int) Key {
	return RateKey(kind, subject, strconv.Itoa(shard))
}

// RateHintKey is the key of a send budget's exhaustion hint: until when
// every one of its shards is known to be full.
func RateHintKey(kind, subject string) Key { return RateKey(kind, subject, "full") }

// Item types of the client side.
const (
	TypeClient        = "client"
	TypeUnique        = "unique"
	TypeSession       = "session"
	TypeClientSession = "client_session"
	TypeToken         = "token"
	TypeLoginGuard    = "login_guard"
)

// ClientPrefix starts every key of a client's own partition.
const ClientPrefix = "CLIENT#"

// ClientKey is the key of a client's profile.
func ClientKey(id string) Key { return Key{PK: ClientPrefix + id, SK: "PROFILE"} }

// EmailKey is the key of the item that claims an email address for one
// client, whatever its case.
func EmailKey(email string) Key { return Key{PK: "EMAIL#" + Lower(email), SK: "UNIQUE"} }

// PhoneKey is the key of the item that claims an E.164 number for one client.
func PhoneKey(e164 string) Key { return Key{PK: "PHONE#" + e164, SK: "UNIQUE"} }

// SessionPrefix starts a session's key, and the sort key of its entry in
// its client's partition.
const SessionPrefix = "SESSION#"

// SessionKey is the key of one client session; id is the session's random
// id (the first part of its tokens), never a token.
func SessionKey(id string) Key { return Key{PK: SessionPrefix + id, SK: "SESSION"} }

// ClientSessionKey is the key of a session's entry in its client's
// partition: what lists a client's sessions and ends them all.
func ClientSessionKey(clientID, sessionID string) Key {
	return Key{PK: ClientPrefix + clientID, SK: SessionPrefix + sessionID}
}

// TokenKey is the key of a single-use emailed token (email confirmation,
// password reset), by the SHA-256 of the token: the token itself is never
// stored.
func TokenKey(hash string) Key { return Key{PK: "TOKEN#" + hash, SK: "TOKEN"} }

// LoginGuardKey is the key of the failed-login counter and lockout of one
// email address, by a keyed hash of it: kept for unknown addresses too,
// so that a lockout does not tell which addresses have accounts.
func LoginGuardKey(emailHash string) Key { return Key{PK: "LOGIN#" + emailHash, SK: "GUARD"} }

// TypeOperationToken is the item type of a single-use operation token.
const TypeOperationToken = "operation_token"

// OperationTokenKey is the key of a single-use operation token (a second
// factor proved for one operation, redeemed once by the service that
// executes it), by the SHA-256 of the token: the token itself is never
// stored. Its own partition prefix, apart from the emailed tokens', keeps
// the IAM grants of the two kinds apart.
func OperationTokenKey(hash string) Key { return Key{PK: "OPTOKEN#" + hash, SK: "TOKEN"} }

// Item types of client accounts and the client directory.
const (
	TypeAccount      = "account"
	TypeClientListed = "client_listed"
)

// AccountPrefix starts the sort key of each of a client's accounts.
const AccountPrefix = "ACCOUNT#"

// AccountKey is the key of one of a client's accounts, kept in the
// client's partition so that one Query lists them.
func AccountKey(clientID, accountID string) Key {
	return Key{PK: ClientPrefix + clientID, SK: AccountPrefix + accountID}
}

// ClientDirectoryPartition holds one small item per client, sorted by
// sign-up time: what the back office pages through (a Query, never a Scan).
// Written once, in the sign-up transaction, it takes no profile updates.
const ClientDirectoryPartition = "CLIENTS"

// ClientDirectoryKey is a client's entry in the directory.
func ClientDirectoryKey(createdAt time.Time, clientID string) Key {
	return Key{PK: ClientDirectoryPartition, SK: Sortable(createdAt) + "#" + clientID}
}
