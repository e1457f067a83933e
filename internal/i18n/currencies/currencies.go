// Package currencies knows the ISO 4217 codes of the currencies in use,
// the ones an account may be held in. The list is data rather than
// golang.org/x/text/currency, whose tables are larger and, in the version
// this module pins, still carry codes ISO has withdrawn (HRK, MRO, VEF...)
// and lack their successors.
package currencies

import "strings"

// codes is ISO 4217's list of current currency codes (funds and precious
// metals excluded), sorted, space-separated. Update it when ISO's
// maintenance agency announces a change.
const codes = "" +
	"AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND " +
	"BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK " +
	"DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ " +
	"GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR " +
	"KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK " +
	"MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB " +
	"PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD " +
	"SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS " +
	"UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW " +
	"ZWG "

// Valid reports whether code is a current ISO 4217 currency code, spelled
// as ISO does (three capital letters).
func Valid(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return strings.Contains(codes, code)
}

// All returns the codes, sorted.
func All() []string { return strings.Fields(codes) }
