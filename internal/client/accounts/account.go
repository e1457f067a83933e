package accounts

import (
	"time"

	"clientarea/internal/client/clients"
)

// Kinds of account.
const (
	Live = "live" // real money
	Demo = "demo" // practice, with a virtual balance
)

// Statuses of an account.
const (
	Active  = "active"
	Pending = "pending" // waiting for an admin's activation
)

// Who opened an account.
const (
	ByClient = "client" // POST /me/accounts
	BySignup = "signup" // open_account_on_signup
)

// Opening balances, as decimal strings: a live account starts empty, a
// demo account with the virtual money it is played with.
const (
	LiveOpeningBalance = "0.00"
	DemoBalance        = "10000.00"
)

// Account is one of a client's accounts (CLIENT#<client id> /
// ACCOUNT#<account id>), as stored and as answered.
type Account struct {
	ID          string     `dynamodbav:"account_id" json:"account_id"`
	ClientID    string     `dynamodbav:"client_id" json:"-"`
	Kind        string     `dynamodbav:"kind" json:"kind"`
	Currency    string     `dynamodbav:"currency" json:"currency"`
	Status      string     `dynamodbav:"status" json:"status"`
	Balance     string     `dynamodbav:"balance" json:"balance"`
	CreatedAt   time.Time  `dynamodbav:"created_at" json:"created_at"`
	ActivatedAt *time.Time `dynamodbav:"activated_at,omitempty" json:"activated_at"` // nil while pending
	OpenedBy    string     `dynamodbav:"opened_by" json:"opened_by"`
}

// spec is the account a flow asks to open.
type spec struct {
	kind, currency, openedBy string
	// signup asks for the signup account: opened only while the client
	// has no live account, under that condition in the opening's own
	// transaction, so that racing triggers open it once.
	signup bool
}

// newAccount is the account s opens for clientID at now: active when the
// General section activates accounts on creation, else pending.
func newAccount(clientID string, s spec, activate bool, now time.Time) Account {
	a := Account{ID: clients.NewID(), ClientID: clientID, Kind: s.kind, Currency: s.currency, Status: Pending,
		Balance: LiveOpeningBalance, CreatedAt: now.UTC(), OpenedBy: s.openedBy}
	if s.kind == Demo {
		a.Balance = DemoBalance
	}
	if activate {
		at := a.CreatedAt
		a.Status, a.ActivatedAt = Active, &at
	}
	return a
}

// validID reports whether id has the form of the ids this service makes
// (client and account ids alike: 32 lower-case hex digits). Ids from a
// path are checked before they go into a key, so that no path value can
// name another kind of item.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, r := range id {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
