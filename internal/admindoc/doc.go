// Package admindoc is the engine of every admin document: the configuration
// sections (General, Security...) and the labelled items (verification
// levels, statuses). A Definition says what one kind of document is; the
// engine stores it in the configuration partition with optimistic
// concurrency (version / ETag / If-Match), writes its audit entry in the same
// DynamoDB transaction, holds the conditions other documents impose on it in
// that transaction too, and serves it over HTTP.
//
// A section is a collection of exactly one built-in item: its label is the
// section's name and its defaults are what it holds before the first save.
// So sections and labelled items share one store, one transaction writer
// and one HTTP mount; they differ only in the routes they are served on.
package admindoc
