package roundtrips_test

// row is what one route may cost per request: the AWS calls of its own
// function (a Lambda authorizer's are its own row, by function name).
type row struct {
	Route   string // a template route ("GET /me"), or an authorizer function ("authorizer")
	Allowed string // the most it may make (a spec: "GetItem + TransactWriteItems")
	Minimum string // what it needs at least, where that is less ("" when it is Allowed)
	Why     string
}

// Words the rows use (docs/PERFORMANCE.md says them too):
//
//   - a send (an SMS code, otp.Engine.Issue): 7 GetItem, one shard of each
//     send budget, in parallel; TransactWriteItems of a slot of each;
//     Publish; TransactWriteItems of the challenge and its subject item.
//     Its minimum reads the shards with one BatchGetItem.
//   - a verify (otp.Engine.Verify): GetItem of the challenge, GetItem of
//     the subject item, TransactWriteItems of both.
//   - a limit (ratelimit.Limiter.Take): per rule a GetItem of one shard
//     (in parallel), then TransactWriteItems of a slot of each.
//   - the configuration: the one strongly consistent Query of the
//     configuration partition's sections (package settings).
var allowance = []row{
	{Route: "authorizer", Allowed: "BatchGetItem + TransactWriteItems",
		Why: "the session and the general and security sections (one strongly consistent BatchGetItem of 3 items); the sliding write of last_seen_at on the session and the profile, at most once a minute per session"},

	{Route: "GET /admin/config/general", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/general", Allowed: "GetItem + TransactWriteItems", Why: "the stored section; the section and its audit entry in one transaction"},
	{Route: "GET /admin/config/documents", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/documents", Allowed: "GetItem + TransactWriteItems", Why: "as general"},
	{Route: "GET /admin/config/verification", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/verification", Allowed: "GetItem + TransactWriteItems", Why: "as general; the transaction also checks that the named level and status exist"},
	{Route: "GET /admin/config/level-order", Allowed: "GetItem + Query", Why: "the section; the levels"},
	{Route: "PUT /admin/config/level-order", Allowed: "GetItem + Query + TransactWriteItems", Why: "the stored section; the levels; the transaction checks that each named level exists"},
	{Route: "GET /admin/verification-levels", Allowed: "Query", Why: "the levels"},
	{Route: "POST /admin/verification-levels", Allowed: "TransactWriteItems", Why: "the level (if no level has its label) and its audit entry"},
	{Route: "GET /admin/verification-levels/{label}", Allowed: "GetItem", Why: "the level"},
	{Route: "PUT /admin/verification-levels/{label}", Allowed: "GetItem + TransactWriteItems", Why: "the stored level; the level and its audit entry"},
	{Route: "DELETE /admin/verification-levels/{label}", Allowed: "GetItem + TransactWriteItems", Why: "the stored level; its delete (no holders), the audit entry, checks that neither the verification section nor the level order names it"},
	{Route: "POST /admin/verification-levels/{label}/clone", Allowed: "GetItem + TransactWriteItems", Why: "the level; the level and its audit entry"},
	{Route: "POST /admin/verification-levels/{label}/translate", Allowed: "GetItem + TransactWriteItems + 3 TranslateText",
		Why: "as clone, and one TranslateText per text (title, description, each field caption: 3 for the test's level)"},
	{Route: "GET /admin/statuses", Allowed: "Query", Why: "the statuses"},
	{Route: "POST /admin/statuses", Allowed: "TransactWriteItems", Why: "as a level"},
	{Route: "GET /admin/statuses/{label}", Allowed: "GetItem", Why: "the status"},
	{Route: "PUT /admin/statuses/{label}", Allowed: "GetItem + TransactWriteItems", Why: "as a level"},
	{Route: "DELETE /admin/statuses/{label}", Allowed: "GetItem + TransactWriteItems", Why: "as a level (the verification section's check only)"},

	{Route: "GET /admin/config/languages", Allowed: "GetItem + 2 Query", Minimum: "GetItem + Query",
		Why: "the section; the levels and the statuses (two Queries, at the same time) for the warnings: one Query of the partition's range LEVEL#…STATUS# would return both"},
	{Route: "PUT /admin/config/languages", Allowed: "GetItem + 2 Query + TransactWriteItems", Minimum: "GetItem + Query + TransactWriteItems",
		Why: "as general, and the warnings' Queries as GET"},
	{Route: "GET /admin/languages/available", Allowed: "none", Why: "a list built into the binary"},

	{Route: "GET /admin/config/security", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/security", Allowed: "GetItem + TransactWriteItems", Why: "as general"},
	{Route: "GET /admin/config/registration", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/registration", Allowed: "GetItem + TransactWriteItems", Why: "as general"},
	{Route: "POST /admin/config/security/test-sms", Allowed: "8 GetItem + PutItem + 2 TransactWriteItems + Publish", Minimum: "BatchGetItem + GetItem + 2 TransactWriteItems + Publish",
		Why: "the security section; a send; the audit entry (a PutItem of its own, which could join the challenge's transaction)"},
	{Route: "POST /admin/config/security/test-sms/verify", Allowed: "2 GetItem + TransactWriteItems", Minimum: "BatchGetItem + TransactWriteItems",
		Why: "a verify: its two reads, one after the other, name keys known before either (one BatchGetItem)"},

	{Route: "POST /auth/signup", Allowed: "8 GetItem + PutItem + Query + 5 TransactWriteItems + UpdateItem + 2 Publish", Minimum: "BatchGetItem + GetItem + Query + 5 TransactWriteItems + 2 Publish",
		Why: "the configuration; a limit (1 rule); the profile, directory entry and claims; the email token (PutItem) and its hash on the profile (UpdateItem), both of which the sign-up transaction could hold; the event; a send; the session"},
	{Route: "POST /auth/confirm-email", Allowed: "3 GetItem + Query + TransactWriteItems", Minimum: "2 GetItem + Query + TransactWriteItems",
		Why: "the token; the profile (an address change); the transaction; the profile again for the answer (what the transaction wrote is known); the configuration (once confirmed)"},
	{Route: "POST /auth/confirm-email/resend", Allowed: "2 GetItem + PutItem + TransactWriteItems + UpdateItem + Publish", Minimum: "2 GetItem + 2 TransactWriteItems + Publish",
		Why: "the profile; a limit (1 rule); the token and its hash on the profile (two writes, one transaction would do); the event"},
	{Route: "POST /auth/confirm-phone", Allowed: "4 GetItem + Query + TransactWriteItems + UpdateItem", Minimum: "BatchGetItem + GetItem + Query + TransactWriteItems + UpdateItem",
		Why: "the profile; a verify; the profile's update; the profile again for the answer; the configuration"},
	{Route: "POST /auth/confirm-phone/resend", Allowed: "8 GetItem + Query + 2 TransactWriteItems + Publish", Minimum: "BatchGetItem + GetItem + Query + 2 TransactWriteItems + Publish",
		Why: "the profile; the configuration; a send"},
	{Route: "POST /auth/login", Allowed: "11 GetItem + Query + 3 TransactWriteItems + 3 UpdateItem + Publish", Minimum: "2 BatchGetItem + 2 GetItem + Query + 3 TransactWriteItems + 2 UpdateItem + Publish",
		Why: "a limit (1 rule); the configuration; the login guard and the email claim (independent: one BatchGetItem); the profile; then the session's transaction, or a send (2FA); a wrong password counts on the guard (an UpdateItem that fails first when a new run starts, the one that starts it, the lock)"},
	{Route: "POST /auth/login/verify", Allowed: "4 GetItem + Query + 2 TransactWriteItems", Minimum: "3 GetItem + Query + 2 TransactWriteItems",
		Why: "the challenge (whose subject it is), then a verify, which reads the challenge again; the configuration; the profile; the session"},
	{Route: "POST /auth/refresh", Allowed: "BatchGetItem + UpdateItem", Why: "the session and two sections; the rotation"},
	{Route: "POST /auth/logout", Allowed: "GetItem + TransactWriteItems", Minimum: "TransactWriteItems",
		Why: "the session (for its client, which the authorizer already handed over); its delete with the client's entry"},
	{Route: "POST /auth/password-reset", Allowed: "11 GetItem + PutItem + Query + 3 TransactWriteItems + Publish", Minimum: "2 BatchGetItem + 2 GetItem + PutItem + Query + 3 TransactWriteItems + Publish",
		Why: "a limit (2 rules); the configuration; the email claim; the profile; a send, or the link's token (PutItem), event and a decoy challenge (TransactWriteItems)"},
	{Route: "POST /auth/password-reset/confirm", Allowed: "2 BatchWriteItem + DeleteItem + 4 GetItem + Query + TransactWriteItems + UpdateItem", Minimum: "2 BatchWriteItem + DeleteItem + 3 GetItem + Query + TransactWriteItems + UpdateItem",
		Why: "by code: the challenge, then a verify (which reads it again), the profile, the password (UpdateItem); by link: the token, the profile, one transaction; then the client's sessions (Query), their deletes (sessions first, then their entries), the login guard's delete"},

	{Route: "GET /me", Allowed: "GetItem + Query", Why: "the profile; the configuration"},
	{Route: "PATCH /me", Allowed: "GetItem + Query + UpdateItem", Why: "the profile; the configuration; the update"},
	{Route: "POST /me/phone", Allowed: "9 GetItem + Query + 2 TransactWriteItems + UpdateItem + Publish", Minimum: "BatchGetItem + 2 GetItem + Query + 2 TransactWriteItems + UpdateItem + Publish",
		Why: "the profile; the configuration; the number's claim; the operation token's redemption (a confirmed phone replaced); a send"},
	{Route: "POST /me/phone/verify", Allowed: "3 GetItem + Query + 2 TransactWriteItems", Minimum: "BatchGetItem + GetItem + Query + 2 TransactWriteItems",
		Why: "the profile; a verify; the claims and the profile in one transaction; the client's other sessions (Query; ended when the number changed)"},
	{Route: "DELETE /me/phone", Allowed: "GetItem + Query + TransactWriteItems + UpdateItem", Why: "the profile; the operation token's redemption; the claim's delete and the profile; the other sessions"},
	{Route: "POST /me/tfa", Allowed: "GetItem + Query + UpdateItem", Why: "the profile; the update; the other sessions (ended)"},
	{Route: "DELETE /me/tfa", Allowed: "GetItem + 2 Query + 2 UpdateItem", Why: "the profile; the configuration; the operation token's redemption; the update; the other sessions"},
	{Route: "POST /me/tfa/challenges", Allowed: "8 GetItem + PutItem + Query + 2 TransactWriteItems + Publish", Minimum: "BatchGetItem + GetItem + PutItem + Query + 2 TransactWriteItems + Publish",
		Why: "the profile; the configuration; a send (or, when no code is needed, the token's PutItem)"},
	{Route: "POST /me/tfa/challenges/{id}/verify", Allowed: "4 GetItem + PutItem + TransactWriteItems", Minimum: "3 GetItem + PutItem + TransactWriteItems",
		Why: "the profile; the challenge (its purpose), then a verify, which reads it again; the operation token"},
	{Route: "GET /me/sessions", Allowed: "BatchGetItem + Query", Why: "the client's session entries; the sessions"},
	{Route: "DELETE /me/sessions/{id}", Allowed: "GetItem + TransactWriteItems", Minimum: "TransactWriteItems",
		Why: "the session, to check it is the caller's (a condition on client_id in the delete would do); its delete with the client's entry"},
	{Route: "POST /me/password", Allowed: "2 GetItem + 2 Query + TransactWriteItems + UpdateItem", Why: "the profile; the configuration; a limit (1 rule); the password; the other sessions"},
	{Route: "POST /me/email", Allowed: "3 GetItem + PutItem + Query + TransactWriteItems + UpdateItem + Publish", Minimum: "3 GetItem + Query + 2 TransactWriteItems + Publish",
		Why: "the profile; the configuration; the address's claim; a limit (1 rule); the token and the pending address on the profile (two writes, one transaction would do); the event"},
	{Route: "GET /me/verification", Allowed: "BatchGetItem + GetItem + Query", Why: "the profile; the configuration; the client's level and status"},
	{Route: "POST /tfa/operation-tokens/consume", Allowed: "UpdateItem", Why: "the redemption, explained from the item a failed condition returns"},

	{Route: "GET /me/accounts", Allowed: "GetItem + 2 Query", Why: "the profile; the configuration (the signup account may be due); the accounts"},
	{Route: "POST /me/accounts", Allowed: "GetItem + Query + TransactWriteItems", Why: "the profile; the configuration; the account and the profile's counts under the rules"},
	{Route: "GET /me/accounts/{account_id}", Allowed: "2 GetItem", Minimum: "BatchGetItem", Why: "the profile; the account (independent reads)"},
	{Route: "GET /admin/clients/{id}/accounts", Allowed: "GetItem + Query", Why: "the profile; the accounts"},
	{Route: "POST /admin/clients/{id}/accounts/{account_id}/activate", Allowed: "2 GetItem + Query + TransactWriteItems + Publish", Minimum: "BatchGetItem + Query + TransactWriteItems + Publish",
		Why: "the profile; the configuration; the account (independent of the profile); the status and its audit entry; the activation letter"},

	{Route: "GET /admin/clients", Allowed: "BatchGetItem + 2 GetItem + 2 Query", Why: "a page of the directory (Query) and its profiles (BatchGetItem), or the email claim and the profile; the configuration"},
	{Route: "GET /admin/clients/{id}", Allowed: "GetItem + Query", Why: "the profile; the configuration (online needs session_minutes)"},
	{Route: "PUT /admin/clients/{id}/verification", Allowed: "GetItem + Query + TransactWriteItems", Why: "the profile; the profile, both holders counts and the audit entry in one transaction; the configuration"},
	{Route: "PUT /admin/clients/{id}/manager", Allowed: "GetItem + Query + TransactWriteItems", Why: "the configuration (the switch); the profile; the profile and the audit entry"},
	{Route: "DELETE /admin/clients/{id}/manager", Allowed: "GetItem + Query + TransactWriteItems", Why: "as PUT"},
	{Route: "GET /admin/audit", Allowed: "Query", Why: "a page of the section's audit partition"},
	{Route: "POST /admin/audit/{id}/restore", Allowed: "2 GetItem + TransactWriteItems", Why: "the entry; the stored section; the section and a new audit entry"},
}
