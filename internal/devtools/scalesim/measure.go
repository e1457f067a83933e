package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"clientarea/internal/platform/dynamo"
	"clientarea/internal/testsupport/callcount"
)

// measured is what the stack showed: the items as stored, and what the
// requests that every client makes read, by DynamoDB Local's account and
// by the size model's.
type measured struct {
	states []state
	// writes are the items that the writes with a single-item or
	// single-partition limit touch, as stored in the populated state.
	writes []sized
	// stack is the stack-wide SMS budget once it is exhausted: the
	// reads of one more SMS attempt on its partitions.
	stackShards  int
	stackAttempt []callcount.Call
	stackItems   []sized
}

// state is one configuration of the stack and what client requests cost
// in it.
type state struct {
	name     string
	config   []sized // the CONFIG partition's items
	requests []request
}

// sized is an item as stored and its size.
type sized struct {
	key   dynamo.Key
	bytes int
}

// request is one client request: its calls, each with the read units
// DynamoDB Local charged and the size model's.
type request struct {
	name  string
	calls []cost
}

// cost is one call's read units. A read of an item that does not exist
// is left out of the comparison: DynamoDB charges it the least a read
// costs, which DynamoDB Local does not in a batch.
type cost struct {
	call            callcount.Call
	measured, model float64
	missing         bool
}

// configUnits is what the request read of the CONFIG partition, by the
// model, per call wholly in it or, for a batch, per item of it.
func (r request) configUnits(sizes map[dynamo.Key]int) float64 {
	var units float64
	for _, c := range r.calls {
		units += configShare(c.call, sizes)
	}
	return units
}

// configShare is the read units of call c spent on the CONFIG partition.
func configShare(c callcount.Call, sizes map[dynamo.Key]int) float64 {
	switch c.Name() {
	case "dynamodb:Query":
		if len(c.Partitions) == 1 && c.Partitions[0] == dynamo.ConfigPartition() {
			return modelUnits(c, sizes)
		}
	case "dynamodb:GetItem", "dynamodb:BatchGetItem":
		var units float64
		for _, k := range c.Keys {
			if k.PK == dynamo.ConfigPartition() {
				units += readUnits(max(sizes[k], 1), c.Consistent)
			}
		}
		return units
	}
	return 0
}

// modelUnits is a read's cost by the size model: a GetItem or a batch per
// item named (rounded up each), a Query on the sum of what it answered.
func modelUnits(c callcount.Call, sizes map[dynamo.Key]int) float64 {
	var each []int
	for _, k := range c.Keys {
		each = append(each, sizes[k])
	}
	switch c.Name() {
	case "dynamodb:Query":
		return queryReadUnits(each, c.Consistent)
	case "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:TransactGetItems":
		for i := range each {
			each[i] = max(each[i], 1) // a read of a missing item costs the least a read costs
		}
		return batchReadUnits(each, c.Consistent)
	}
	return 0
}

// reads is a request's DynamoDB reads with their costs.
func reads(name string, calls []callcount.Call, sizes map[dynamo.Key]int) request {
	r := request{name: name}
	for _, c := range calls {
		switch c.Name() {
		case "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:TransactGetItems":
			missing := false
			for _, k := range c.Keys {
				if _, ok := sizes[k]; !ok {
					missing = true
				}
			}
			r.calls = append(r.calls, cost{call: c, measured: c.ReadUnits, model: modelUnits(c, sizes), missing: missing})
		}
	}
	return r
}

// sizes sizes every item of the table.
func (s *stack) sizes(ctx context.Context) (map[dynamo.Key]int, []sized, error) {
	items, err := s.items(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	m := map[dynamo.Key]int{}
	var all []sized
	for _, it := range items {
		k := dynamo.KeyOf(it)
		m[k] = itemSize(it)
		all = append(all, sized{key: k, bytes: m[k]})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].key.PK != all[j].key.PK {
			return all[i].key.PK < all[j].key.PK
		}
		return all[i].key.SK < all[j].key.SK
	})
	return m, all, nil
}

// client is a signed-up client of the stack.
type client struct {
	id, token, refresh string
}

// signUp signs a client up (the registration asks for no confirmation).
func (s *stack) signUp(email string, phone string) (client, answer, error) {
	body := map[string]any{"email": email, "password": "correct horse battery staple"}
	if phone != "" {
		body["phone"] = phone
	}
	a, err := s.must(201, http.MethodPost, "/auth/signup", body, "", "")
	if err != nil {
		return client{}, a, err
	}
	sess, _ := a.body["session"].(map[string]any)
	return client{id: fmt.Sprint(a.body["client_id"]), token: fmt.Sprint(sess["token"]), refresh: fmt.Sprint(sess["refresh_token"])}, a, nil
}

// clientRequests sends what every signed-in client sends (its profile,
// its verification, a refresh) and returns their reads, each costed by
// the model on the items as they were when it read them (only the
// refresh writes, and it is last).
func (s *stack) clientRequests(ctx context.Context, c *client) ([]request, error) {
	type sent struct {
		name  string
		calls []callcount.Call
	}
	var all []sent
	for _, r := range []string{"/me", "/me/verification"} {
		a, err := s.must(200, http.MethodGet, r, nil, c.token, "")
		if err != nil {
			return nil, err
		}
		all = append(all, sent{"GET " + r, a.calls})
	}
	sizes, _, err := s.sizes(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.must(200, http.MethodPost, "/auth/refresh", map[string]any{"refresh_token": c.refresh}, "", "")
	if err != nil {
		return nil, err
	}
	sess, _ := a.body["session"].(map[string]any)
	c.token, c.refresh = fmt.Sprint(sess["token"]), fmt.Sprint(sess["refresh_token"])
	all = append(all, sent{"POST /auth/refresh", a.calls})
	out := make([]request, len(all))
	for i, x := range all {
		out[i] = reads(x.name, x.calls, sizes)
	}
	return out, nil
}

// configItems lists the CONFIG partition's items.
func configItems(all []sized) []sized {
	var out []sized
	for _, it := range all {
		if it.key.PK == dynamo.ConfigPartition() {
			out = append(out, it)
		}
	}
	return out
}

// measure runs the stack through its two states and the exhaustion of
// the stack-wide SMS budget.
func measure(ctx context.Context, s *stack) (*measured, error) {
	m := &measured{}

	// A stack whose admins saved every section once, with its defaults.
	for _, sec := range [][2]string{{"general", "general"}, {"documents", "documents"}, {"verification", "verification"},
		{"verification", "level-order"}, {"languages", "languages"}, {"security", "security"}, {"security", "registration"}} {
		if err := s.configure(sec[0], sec[1], map[string]any{}); err != nil {
			return nil, err
		}
	}
	ann, _, err := s.signUp("ann@example.com", "")
	if err != nil {
		return nil, err
	}
	if err := m.addState(ctx, s, "sections saved with their defaults", &ann); err != nil {
		return nil, err
	}

	// A stack configured to the full: 20 languages, 10 levels with 5
	// fields each and 5 statuses, all texts in every language, every
	// option set; a client given a level and a status.
	if err := populate(s); err != nil {
		return nil, err
	}
	bob, _, err := s.signUp("bob@example.com", "")
	if err != nil {
		return nil, err
	}
	if _, err := s.must(200, http.MethodPut, "/admin/clients/"+bob.id+"/verification", map[string]any{"level": "kyc5", "status": "Approved"}, adminToken, ""); err != nil {
		return nil, err
	}
	// A session at its largest: refreshed past the 50 rotated refresh
	// token hashes it keeps.
	for range 51 {
		a, err := s.must(200, http.MethodPost, "/auth/refresh", map[string]any{"refresh_token": bob.refresh}, "", "")
		if err != nil {
			return nil, err
		}
		sess, _ := a.body["session"].(map[string]any)
		bob.token, bob.refresh = fmt.Sprint(sess["token"]), fmt.Sprint(sess["refresh_token"])
	}
	if err := m.addState(ctx, s, "populated (20 languages, 10 levels, 5 statuses; a session refreshed 51 times)", &bob); err != nil {
		return nil, err
	}
	_, all, err := s.sizes(ctx)
	if err != nil {
		return nil, err
	}
	for _, it := range all {
		switch {
		case it.key.PK == dynamo.ConfigPartition() && (strings.HasPrefix(it.key.SK, dynamo.LevelPrefix) || strings.HasPrefix(it.key.SK, dynamo.StatusPrefix)),
			it.key.PK == "CLIENTS", strings.HasPrefix(it.key.PK, "AUDIT#"), strings.HasPrefix(it.key.PK, "SESSION#"):
			m.writes = append(m.writes, it)
		}
	}

	// The stack-wide SMS budget, made small and exhausted: one more SMS
	// attempt then reads a shard and the exhaustion note.
	return m, exhaustStackBudget(ctx, s, bob, m)
}

func (m *measured) addState(ctx context.Context, s *stack, name string, c *client) error {
	reqs, err := s.clientRequests(ctx, c)
	if err != nil {
		return err
	}
	_, all, err := s.sizes(ctx)
	if err != nil {
		return err
	}
	m.states = append(m.states, state{name: name, config: configItems(all), requests: reqs})
	return nil
}

// The populated configuration.
var (
	populatedLanguages = []string{"en", "de", "fr", "es", "it", "pt-BR", "nl", "pl", "ru", "tr", "ar", "ja", "ko", "sv", "da", "fi", "cs", "el", "hu", "ro"}
	populatedFields    = []string{"tax_id", "address", "birth_date", "nationality", "employer"}
	populatedStatuses  = []string{"Approved", "Pending", "Rejected", "Review", "Suspended"}
)

const populatedLevels = 10

func populate(s *stack) error {
	var active []map[string]any
	for _, code := range populatedLanguages {
		active = append(active, map[string]any{"code": code, "enabled": true})
	}
	sections := []struct {
		fn, section string
		body        map[string]any
	}{
		{"general", "general", map[string]any{
			"clients":  map[string]any{"max_accounts": 5, "activate_account_on_create": true, "demo_account": true, "personal_manager": true, "exchange_tfa": true, "withdrawal_tfa": true},
			"security": map[string]any{"session_minutes": 600, "refresh_session_minutes": 1200}}},
		{"documents", "documents", map[string]any{"required": []string{"passport_or_id", "bank_card_front", "bank_card_back", "source_of_funds"}}},
		{"languages", "languages", map[string]any{"active": active, "default": "en"}},
		{"security", "security", map[string]any{"mandatory_tfa": false,
			"tfa_operations":    []string{"login", "deposit", "withdraw", "transfer", "prop_challenge_fee", "trading_competition_fee", "change_password", "update_email"},
			"max_failed_logins": 5, "lockout_minutes": 15, "absolute_session_hours": 12,
			"sms": map[string]any{"sender_id": "BrandName", "otp_ttl_seconds": 300, "otp_max_attempts": 5, "resend_cooldown_seconds": 60, "max_sends_per_hour": 5,
				"allowed_countries": []string{"DE", "AT", "CH", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "DK", "FI", "NO", "GB", "IE", "PT", "CZ", "GR", "HU", "RO"},
				"max_price_usd":     "0.50"}}},
		{"security", "registration", map[string]any{"confirmation": "none", "activation_letter": true, "default_client_type": "personal"}},
	}
	for _, sec := range sections {
		if err := s.configure(sec.fn, sec.section, sec.body); err != nil {
			return err
		}
	}
	var order []string
	for i := range populatedLevels {
		label := fmt.Sprintf("kyc%d", i)
		order = append(order, label)
		translations := map[string]any{}
		for _, code := range populatedLanguages {
			fields := map[string]any{}
			for _, f := range populatedFields {
				fields[f] = fmt.Sprintf("%s (%s)", strings.ReplaceAll(f, "_", " "), code)
			}
			translations[code] = map[string]any{
				"title":       fmt.Sprintf("Verification level %d (%s)", i, code),
				"description": fmt.Sprintf("What this level lets a client do, and what it asks for, in %s: a paragraph of about a hundred and twenty characters.", code),
				"fields":      fields,
			}
		}
		level := map[string]any{"label": label, "type": "personal", "properties": populatedFields,
			"required_documents": []string{"passport_or_id", "bank_card_front", "bank_card_back", "source_of_funds"}, "translations": translations}
		if _, err := s.must(201, http.MethodPost, "/admin/verification-levels", level, adminToken, ""); err != nil {
			return err
		}
	}
	for _, label := range populatedStatuses {
		text := map[string]any{}
		for _, code := range populatedLanguages {
			text[code] = fmt.Sprintf("%s (%s)", label, code)
		}
		status := map[string]any{"label": label, "text": text, "properties": map[string]any{"color": "green", "icon": "check"}}
		if _, err := s.must(201, http.MethodPost, "/admin/statuses", status, adminToken, ""); err != nil {
			return err
		}
	}
	if err := s.configure("verification", "level-order", map[string]any{"levels": order}); err != nil {
		return err
	}
	return s.configure("verification", "verification", map[string]any{"open_account_on_signup": false, "required_level": "kyc0", "required_status": "Approved"})
}

// stackLimit is the stack-wide SMS budget while it is exhausted here:
// one slot in each of its shards.
const stackLimit = 16

// exhaustStackBudget lowers the stack-wide budget to stackLimit sends an
// hour (and raises the client's own hourly budget above it), has c ask
// for codes to confirm as many new numbers, and records what one more
// SMS attempt then reads of the budget.
func exhaustStackBudget(ctx context.Context, s *stack, c client, m *measured) error {
	a, err := s.must(200, http.MethodGet, "/admin/config/security", nil, adminToken, "")
	if err != nil {
		return err
	}
	body := a.body
	delete(body, "version")
	sms, _ := body["sms"].(map[string]any)
	sms["stack_sends_per_hour"], sms["subject_sends_per_hour"], sms["subject_sends_per_day"] = stackLimit, 100, 1000
	if _, err := s.must(200, http.MethodPut, "/admin/config/security", body, adminToken, a.header.Get("ETag")); err != nil {
		return err
	}
	var last answer
	for i := range stackLimit + 2 {
		last, err = s.do(http.MethodPost, "/me/phone", map[string]any{"phone": fmt.Sprintf("+49151200000%02d", i)}, c.token, "")
		if err != nil {
			return err
		}
		want := http.StatusAccepted
		if i >= stackLimit {
			want = http.StatusTooManyRequests
		}
		if last.status != want {
			return fmt.Errorf("code %d: answered %d, want %d (the stack-wide budget allows %d): %v", i, last.status, want, stackLimit, last.body)
		}
	}
	_, all, err := s.sizes(ctx)
	if err != nil {
		return err
	}
	for _, it := range all {
		if strings.HasPrefix(it.key.PK, "RATE#sms_stack_hour#") {
			m.stackItems = append(m.stackItems, it)
			if !strings.HasSuffix(it.key.PK, "#full") {
				m.stackShards++
			}
		}
	}
	// The limiter reads with BatchGetItem: the shards of all the send
	// budgets in one call (a stack shard among them), the note in one of
	// its own. Each stack item read is kept as a call of its own; in a
	// call of several items, charged what DynamoDB charges an item of a
	// batch: its size, rounded up to a read unit.
	for _, c := range last.calls {
		if c.Name() != "dynamodb:GetItem" && c.Name() != "dynamodb:BatchGetItem" {
			continue
		}
		for _, k := range c.Keys {
			if !strings.HasPrefix(k.PK, "RATE#sms_stack_hour#") {
				continue
			}
			one := c
			one.Keys = []dynamo.Key{k}
			if len(c.Keys) > 1 {
				it, _ := itemOf(m.stackItems, func(key dynamo.Key) bool { return key == k })
				one.ReadUnits = readUnits(max(it.bytes, 1), c.Consistent)
			}
			m.stackAttempt = append(m.stackAttempt, one)
		}
	}
	return nil
}

// itemOf is the size of the item with key k in items (0: none).
func itemOf(items []sized, match func(dynamo.Key) bool) (sized, bool) {
	var best sized
	found := false
	for _, it := range items {
		if match(it.key) && it.bytes > best.bytes {
			best, found = it, true
		}
	}
	return best, found
}
