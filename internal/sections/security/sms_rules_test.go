package security

import (
	"slices"
	"testing"

	"clientarea/internal/testsupport/ruletest"
)

// smsRule is one sms block and what the rules make of it: valid, or the
// fields the 422 names.
type smsRule struct {
	name   string
	in     string // the sms block's fields, JSON
	fields []string
}

// checkSMSRules normalizes and validates each block as a Security document.
func checkSMSRules(t *testing.T, cases []smsRule) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := ruletest.Decode[Config](t, `{"sms":{`+c.in+`}}`)
			doc.Normalize()
			err := doc.Validate()
			if len(c.fields) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			ruletest.ExpectFields(t, err, "", c.fields...)
		})
	}
}

func TestAllowedCountriesAndPriceCap(t *testing.T) {
	checkSMSRules(t, []smsRule{
		{name: "all countries, no cap", in: `"allowed_countries":[],"max_price_usd":null`},
		{name: "left out", in: ``},
		{name: "countries in any case", in: `"allowed_countries":["de"," fr ","GB","gg","us"]`},
		{name: "a country without numbers of its own is unknown", in: `"allowed_countries":["AQ"]`, fields: []string{"sms.allowed_countries"}},
		{name: "alpha-3", in: `"allowed_countries":["DEU"]`, fields: []string{"sms.allowed_countries"}},
		{name: "non-geographic codes are no country", in: `"allowed_countries":["001"]`, fields: []string{"sms.allowed_countries"}},
		{name: "unknown codes", in: `"allowed_countries":["DE","XX","UK"]`, fields: []string{"sms.allowed_countries"}},
		{name: "blank", in: `"allowed_countries":[""]`, fields: []string{"sms.allowed_countries"}},

		{name: "a cent", in: `"max_price_usd":"0.01"`},
		{name: "five decimals", in: `"max_price_usd":"0.00645"`},
		{name: "no leading zero", in: `"max_price_usd":".5"`},
		{name: "the highest cap", in: `"max_price_usd":"10.00"`},
		{name: "zero", in: `"max_price_usd":"0.00"`, fields: []string{"sms.max_price_usd"}},
		{name: "above the highest", in: `"max_price_usd":"10.00001"`, fields: []string{"sms.max_price_usd"}},
		{name: "six decimals", in: `"max_price_usd":"0.000001"`, fields: []string{"sms.max_price_usd"}},
		{name: "no decimal point", in: `"max_price_usd":"1"`, fields: []string{"sms.max_price_usd"}},
		{name: "three integer digits", in: `"max_price_usd":"100.0"`, fields: []string{"sms.max_price_usd"}},
		{name: "negative", in: `"max_price_usd":"-0.5"`, fields: []string{"sms.max_price_usd"}},
		{name: "exponent", in: `"max_price_usd":"5e-1"`, fields: []string{"sms.max_price_usd"}},
		{name: "currency sign", in: `"max_price_usd":"$0.50"`, fields: []string{"sms.max_price_usd"}},
		{name: "empty", in: `"max_price_usd":""`, fields: []string{"sms.max_price_usd"}},
		{name: "both wrong", in: `"allowed_countries":["XX"],"max_price_usd":"abc"`,
			fields: []string{"sms.allowed_countries", "sms.max_price_usd"}},
	})
}

func TestAllowedCountriesReachThePolicy(t *testing.T) {
	doc := ruletest.Decode[Config](t, `{"sms":{"allowed_countries":["de","FR","de"],"max_price_usd":"0.50"}}`)
	doc.Normalize()
	p := doc.OTPPolicy()
	if !slices.Equal(p.AllowedCountries, []string{"DE", "FR"}) || p.MaxPriceUSD != "0.50" {
		t.Fatalf("policy countries %q, price %q", p.AllowedCountries, p.MaxPriceUSD)
	}
}

// At most 100 guesses an hour: max_failed_codes × ⌈60 / window minutes⌉.
func TestGuessingIsBoundedPerHour(t *testing.T) {
	both := []string{"sms.max_failed_codes", "sms.failed_codes_window_minutes"}
	checkSMSRules(t, []smsRule{
		{name: "the default, 10 in 15 minutes: 40 an hour", in: ``},
		{name: "100 in an hour", in: `"max_failed_codes":100,"failed_codes_window_minutes":60`},
		{name: "100 in a day", in: `"max_failed_codes":100,"failed_codes_window_minutes":1440`},
		{name: "50 in 30 minutes: 100", in: `"max_failed_codes":50,"failed_codes_window_minutes":30`},
		{name: "25 in 15 minutes: 100", in: `"max_failed_codes":25,"failed_codes_window_minutes":15`},
		{name: "1 a minute: 60", in: `"max_failed_codes":1,"failed_codes_window_minutes":1`},
		{name: "11 in 7 minutes: 99", in: `"max_failed_codes":11,"failed_codes_window_minutes":7`},
		{name: "12 in 7 minutes: 108", in: `"max_failed_codes":12,"failed_codes_window_minutes":7`, fields: both},
		{name: "26 in 15 minutes: 104", in: `"max_failed_codes":26,"failed_codes_window_minutes":15`, fields: both},
		{name: "51 in 31 minutes: 102", in: `"max_failed_codes":51,"failed_codes_window_minutes":31`, fields: both},
		{name: "2 a minute: 120", in: `"max_failed_codes":2,"failed_codes_window_minutes":1`, fields: both},
		{name: "the most a window allows, in the shortest", in: `"max_failed_codes":100,"failed_codes_window_minutes":1`, fields: both},
		{name: "101 is out of range alone", in: `"max_failed_codes":101,"failed_codes_window_minutes":1440`, fields: []string{"sms.max_failed_codes"}},
		{name: "0 is out of range alone", in: `"max_failed_codes":0`, fields: []string{"sms.max_failed_codes"}},
		{name: "a window of 0 is out of range alone", in: `"failed_codes_window_minutes":0`, fields: []string{"sms.failed_codes_window_minutes"}},
		{name: "a window over a day", in: `"failed_codes_window_minutes":1441`, fields: []string{"sms.failed_codes_window_minutes"}},
	})
}
