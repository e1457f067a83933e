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
//   - a send (an SMS code, otp.Engine.Issue): a limit of the 7 send
//     budgets (BatchGetItem of a shard of each; TransactWriteItems of a
//     slot of each); Publish; TransactWriteItems of the challenge and its
//     subject item (and what the caller records with it: a test SMS's
//     audit entry).
//   - a verify (otp.Engine.Verify): BatchGetItem of the challenge and the
//     subject item, TransactWriteItems of both. After SubjectOf or
//     PurposeOf (a GetItem of the challenge, to learn whose it is),
//     VerifyFound reads only the subject item (GetItem), then writes.
//   - a limit (ratelimit.Limiter.Take): BatchGetItem of one shard of each
//     rule, then TransactWriteItems of a slot of each (a rule of several
//     shards whose shard is full reads its exhaustion note, then the other
//     shards, first).
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
	{Route: "GET /admin/config/level-order", Allowed: "GetItem + Query", Minimum: "GetItem",
		Why: "one or the other, never both: the section (GetItem); with ?include=unranked, the section with the levels its unranked needs, one Query of the partition's range LEVEL#…SECTION#level-order"},
	{Route: "PUT /admin/config/level-order", Allowed: "Query + TransactWriteItems", Why: "the stored section with the levels, as GET with ?include=unranked; the transaction checks that each named level exists"},
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

	{Route: "GET /admin/config/languages", Allowed: "GetItem + Query", Minimum: "GetItem",
		Why: "one or the other, never both: the section (GetItem); with ?include=warnings, the section with the levels and the statuses its warnings need, one Query of the partition's range LEVEL#…STATUS# (which holds the section)"},
	{Route: "PUT /admin/config/languages", Allowed: "Query + TransactWriteItems",
		Why: "the stored section with the levels and the statuses, as GET with ?include=warnings (the warnings are the saved document's); the section and its audit entry"},
	{Route: "GET /admin/languages/available", Allowed: "none", Why: "a list built into the binary"},

	{Route: "GET /admin/config/security", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/security", Allowed: "GetItem + TransactWriteItems", Why: "as general"},
	{Route: "GET /admin/config/registration", Allowed: "GetItem", Why: "the section"},
	{Route: "PUT /admin/config/registration", Allowed: "GetItem + TransactWriteItems", Why: "as general"},
	{Route: "POST /admin/config/security/test-sms", Allowed: "BatchGetItem + GetItem + 2 TransactWriteItems + Publish",
		Why: "the security section; a send, whose challenge's transaction also holds the audit entry"},
	{Route: "POST /admin/config/security/test-sms/verify", Allowed: "BatchGetItem + TransactWriteItems",
		Why: "a verify"},

	{Route: "POST /auth/signup", Allowed: "2 BatchGetItem + Query + 5 TransactWriteItems + 2 Publish",
		Why: "the configuration; a limit (1 rule); the profile (with the email token's hash), directory entry, claims, session and email token in one transaction; the event; a send"},
	{Route: "POST /auth/confirm-email", Allowed: "2 GetItem + Query + TransactWriteItems",
		Why: "the token; the transaction; the profile (read before it for an address change, whose answer is that profile with what the transaction wrote; after it, for the answer, for a sign-up's address); the configuration (once confirmed)"},
	{Route: "POST /auth/confirm-email/resend", Allowed: "BatchGetItem + GetItem + 2 TransactWriteItems + Publish",
		Why: "the profile; a limit (1 rule); the token and its hash on the profile in one transaction; the event"},
	{Route: "POST /auth/confirm-phone", Allowed: "BatchGetItem + GetItem + Query + TransactWriteItems + UpdateItem",
		Why: "the profile; a verify; the profile's update, whose returned item is the answer; the configuration"},
	{Route: "POST /auth/confirm-phone/resend", Allowed: "BatchGetItem + GetItem + Query + 2 TransactWriteItems + Publish",
		Why: "the profile; the configuration; a send"},
	{Route: "POST /auth/login", Allowed: "3 BatchGetItem + GetItem + Query + 3 TransactWriteItems + 2 UpdateItem + Publish",
		Why: "a limit (1 rule); the configuration; the login guard and the email claim (one BatchGetItem); the profile; then the session's transaction, or a send (2FA); a wrong password counts on the guard (one UpdateItem, going on with a run or starting one as the guard just read says), and the lock when it reaches the limit"},
	{Route: "POST /auth/login/verify", Allowed: "3 GetItem + Query + 2 TransactWriteItems",
		Why: "the challenge (whose subject it is), then a verify of it, which reads only the subject item; the configuration; the profile; the session"},
	{Route: "POST /auth/refresh", Allowed: "BatchGetItem + UpdateItem", Why: "the session and two sections; the rotation"},
	{Route: "POST /auth/logout", Allowed: "TransactWriteItems",
		Why: "the session's delete (on the condition that it is the client's the authorizer handed over) with the client's entry"},
	{Route: "POST /auth/password-reset", Allowed: "2 BatchGetItem + 2 GetItem + PutItem + Query + 3 TransactWriteItems + Publish",
		Why: "a limit (2 rules); the configuration; the email claim; the profile; a send, or the link's token (PutItem), event and a decoy challenge (TransactWriteItems)"},
	{Route: "POST /auth/password-reset/confirm", Allowed: "2 BatchWriteItem + DeleteItem + 3 GetItem + Query + TransactWriteItems + UpdateItem",
		Why: "by code: the challenge, then a verify of it (which reads only the subject item), the profile, the password (UpdateItem); by link: the token, the profile, one transaction; then the client's sessions (Query), their deletes (sessions first, then their entries), the login guard's delete"},

	{Route: "GET /me", Allowed: "GetItem + Query", Why: "the profile; the configuration"},
	{Route: "PATCH /me", Allowed: "GetItem + Query + UpdateItem", Why: "the configuration (a language that names none is refused before it); the profile; the update"},
	{Route: "POST /me/phone", Allowed: "BatchGetItem + 2 GetItem + Query + 2 TransactWriteItems + UpdateItem + Publish",
		Why: "the profile; the configuration; the number's claim; the operation token's redemption (a confirmed phone replaced); a send"},
	{Route: "POST /me/phone/verify", Allowed: "BatchGetItem + GetItem + Query + 2 TransactWriteItems",
		Why: "the profile; a verify; the claims and the profile in one transaction; the client's other sessions (Query; ended when the number changed)"},
	{Route: "DELETE /me/phone", Allowed: "GetItem + Query + TransactWriteItems + UpdateItem", Why: "the profile; the operation token's redemption; the claim's delete and the profile; the other sessions"},
	{Route: "POST /me/tfa", Allowed: "GetItem + Query + UpdateItem", Why: "the profile; the update; the other sessions (ended)"},
	{Route: "DELETE /me/tfa", Allowed: "GetItem + 2 Query + 2 UpdateItem", Why: "the profile; the configuration; the operation token's redemption; the update; the other sessions"},
	{Route: "POST /me/tfa/challenges", Allowed: "BatchGetItem + GetItem + PutItem + Query + 2 TransactWriteItems + Publish",
		Why: "the profile; the configuration; a send (or, when no code is needed, the token's PutItem); an unknown operation is refused before any call"},
	{Route: "POST /me/tfa/challenges/{id}/verify", Allowed: "3 GetItem + PutItem + TransactWriteItems",
		Why: "the profile; the challenge (its purpose), then a verify of it, which reads only the subject item; the operation token"},
	{Route: "GET /me/sessions", Allowed: "BatchGetItem + Query", Why: "the client's session entries; the sessions"},
	{Route: "DELETE /me/sessions/{id}", Allowed: "TransactWriteItems",
		Why: "the session's delete, on the condition that it is the caller's, with the client's entry"},
	{Route: "POST /me/password", Allowed: "BatchGetItem + GetItem + 2 Query + TransactWriteItems + UpdateItem", Why: "the profile; the configuration; a limit (1 rule); the password; the other sessions"},
	{Route: "POST /me/email", Allowed: "BatchGetItem + 2 GetItem + Query + 2 TransactWriteItems + Publish",
		Why: "the profile; the configuration; the address's claim; a limit (1 rule); the token and the pending address on the profile in one transaction; the event"},
	{Route: "GET /me/verification", Allowed: "BatchGetItem + GetItem + Query", Why: "the profile; the configuration; the client's level and status"},
	{Route: "POST /tfa/operation-tokens/consume", Allowed: "UpdateItem", Why: "the redemption, explained from the item a failed condition returns"},

	{Route: "GET /me/accounts", Allowed: "GetItem + 2 Query", Why: "the profile; the configuration (the signup account may be due); the accounts"},
	{Route: "POST /me/accounts", Allowed: "GetItem + Query + TransactWriteItems", Why: "the profile; the configuration; the account and the profile's counts under the rules"},
	{Route: "GET /me/accounts/{account_id}", Allowed: "BatchGetItem", Why: "the profile and the account (independent reads, one BatchGetItem)"},
	{Route: "GET /admin/clients/{id}/accounts", Allowed: "GetItem + Query", Why: "the profile; the accounts"},
	{Route: "POST /admin/clients/{id}/accounts/{account_id}/activate", Allowed: "BatchGetItem + Query + TransactWriteItems + Publish",
		Why: "the profile and the account (one BatchGetItem); the configuration; the status and its audit entry; the activation letter"},

	{Route: "GET /admin/clients", Allowed: "BatchGetItem + 2 GetItem + 2 Query", Why: "a page of the directory (Query) and its profiles (BatchGetItem), or the email claim and the profile; the configuration"},
	{Route: "GET /admin/clients/{id}", Allowed: "GetItem + Query", Why: "the profile; the configuration (online needs session_minutes)"},
	{Route: "PUT /admin/clients/{id}/verification", Allowed: "GetItem + Query + TransactWriteItems", Why: "the profile; the profile, both holders counts and the audit entry in one transaction; the configuration"},
	{Route: "PUT /admin/clients/{id}/manager", Allowed: "GetItem + Query + TransactWriteItems", Why: "the configuration (the switch); the profile; the profile and the audit entry"},
	{Route: "DELETE /admin/clients/{id}/manager", Allowed: "GetItem + Query + TransactWriteItems", Why: "as PUT"},
	{Route: "GET /admin/audit", Allowed: "Query", Why: "a page of the section's audit partition"},
	{Route: "POST /admin/audit/{id}/restore", Allowed: "2 GetItem + TransactWriteItems", Why: "the entry; the stored section; the section and a new audit entry"},
}
