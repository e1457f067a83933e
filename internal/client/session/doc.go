// Package session holds client sessions, stored in DynamoDB, and the
// session authorizer that decides every client request.
//
// # Tokens
//
// A session has a random id: 16 bytes from crypto/rand, base64url without
// padding (22 characters). Its access token and its refresh token are each
// "<id>.<secret>", the secret 32 random bytes in the same encoding (43
// characters), so either token names its session without a lookup by hash.
// Only the hex SHA-256 of each secret is stored; the secrets carry 256 bits,
// so a plain hash is enough (nothing to guess offline). Parsing is strict:
// exact lengths, the base64url alphabet only, canonical encodings; anything
// else is unauthenticated without a read.
//
// # Items
//
// One item per session, key dynamo.SessionKey(id): type "session",
// client_id, scope ("full" or "tfa_setup"), created_at and last_seen_at
// (fixed-width RFC 3339 UTC strings, dynamo.SortableTime, so that a
// condition can compare them as text), access_hash, refresh_hash, rotated
// (the hashes of earlier refresh tokens, the newest 50), generation (counts
// the rotations) and ttl. Next to it, one entry in the client's partition,
// dynamo.ClientSessionKey(clientID, id): type "client_session", created_at,
// ttl, written and deleted in the same transactions as the session, so that
// one Query (PK "CLIENT#<id>", SK beginning "SESSION#") finds all of a
// client's sessions. ttl is created_at + 721 hours: the limits below apply
// at request time and an admin may lengthen the absolute lifetime to 720
// hours at any moment, so the item must outlive the longest lifetime an
// admin could set; TTL only tidies up, it decides nothing.
//
// # Limits
//
// Limits come from the configuration at request time, never from what was
// true when the session began, so an admin's change applies to live
// sessions at their next request: Idle is the general section's
// session_minutes, Refresh its refresh_session_minutes, Absolute the
// security section's absolute_session_hours. An access token is valid
// while now < last_seen_at + Idle and now < created_at + Absolute; a
// refresh token while now < last_seen_at + Refresh and now < created_at +
// Absolute.
//
// # The authorizer
//
// Authorizer.Decide reads, in one strongly consistent BatchGetItem, the
// session and the general and security sections (sections never saved take
// their defaults), and answers a principal.Session verdict: a malformed or
// missing token, an unknown session or a wrong secret is unauthenticated;
// idle or past the absolute lifetime is session_expired; a tfa_setup
// session outside SetupRoutes is forbidden; a failed read is unavailable.
// Hashes are compared in constant time.
//
// Sliding expiry: an admitted request moves last_seen_at to now, but only
// once last_seen_at is at least min(1 minute, Idle/2) old, so a session
// costs at most one write a minute however busy it is (for any Idle of 2
// minutes or more), and still never expires while in use (for a shorter
// Idle, the write comes after half of it). The write is one TransactWriteItems: the
// session's last_seen_at under the condition that it still holds the value
// read (of concurrent requests one writes, the others' failed condition is
// ignored), and the client profile's last_seen_at (condition: the profile
// exists, so that a deleted client is not recreated), which the admin
// client views read as "online". A write that fails otherwise is logged and
// the request still admitted: it was valid.
//
// Handle is the HTTP API Lambda authorizer (payload 2.0, simple responses):
// it always answers isAuthorized true with the verdict in the context, so
// that the function answers refusals as the contract says (see
// principal.RequireSession), and logs one line per decision with the
// verdict, route and session id, never a token.
//
// # Refresh (rotation)
//
// Store.Refresh rotates both tokens at every use: given the current refresh
// token of a session within its refresh window and absolute lifetime, it
// writes new access and refresh hashes, appends the old refresh hash to
// rotated, increments generation and sets last_seen_at, under the condition
// refresh_hash = :presented AND generation = :read. The old pair stops
// working at once. A refresh that loses that condition to a concurrent one
// with the same token is a replay, and so is any later use of a rotated
// refresh token: either revokes the whole session (the new tokens too), as
// ASVS 10.4.5 asks; there is no grace window. A token that matches nothing
// revokes nothing (it may be a guess). An expired refresh answers
// session_expired and deletes the session.
//
// # Ending sessions
//
// Revoke (logout) deletes a session and its client entry in one
// transaction; ending one that is gone succeeds. RevokeAll (password
// change or reset) queries the client's entries and deletes in
// BatchWriteItem calls first the sessions, then the entries, so that a
// failure part way never leaves a session that nothing lists. List reads
// the entries and then the sessions (BatchGetItem), never their hashes.
//
// # Cold start
//
// The authorizer runs before every client request, so this package keeps
// its imports small: it decodes the two sections itself (general through
// general.Section(), the one security field it needs through a view of
// its own) rather than through package settings, which links the OTP and
// SMS code and the SNS and Secrets Manager SDKs. A test holds the result
// equal to settings.FromItems.
package session
