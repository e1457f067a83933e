package locales

import (
	"strings"
	"testing"
)

func TestAvailableComesFromCLDR(t *testing.T) {
	list := Available()
	if len(list) < 150 {
		t.Fatalf("only %d languages", len(list))
	}
	want := map[string][2]string{
		"de":    {"German", "Deutsch"},
		"en":    {"English", "English"},
		"ja":    {"Japanese", "日本語"},
		"pt-BR": {"Brazilian Portuguese", "português"},
		"zh":    {"Chinese", "中文"},
	}
	for _, l := range list {
		if strings.Contains(l.Name, "(") || l.NativeName == "" {
			t.Errorf("%+v: regional variants without a name of their own are left out; native names are never blank", l)
		}
		if w, ok := want[l.Code]; ok {
			if l.Name != w[0] || l.NativeName != w[1] {
				t.Errorf("%s = %+v, want %v", l.Code, l, w)
			}
			delete(want, l.Code)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing %v", want)
	}
}

func TestLookupCanonicalizes(t *testing.T) {
	for in, want := range map[string]string{"pt-br": "pt-BR", "PT-BR": "pt-BR", "DE": "de", "en": "en", "zh-hant": "zh-Hant"} {
		if l, ok := Lookup(in); !ok || l.Code != want {
			t.Errorf("Lookup(%q) = %+v, %v; want %s", in, l, ok, want)
		}
	}
	for _, bad := range []string{"", "xx", "klingon", "de_DE", " de", "de-XX-1234567890"} {
		if l, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", bad, l)
		}
	}
}

func TestSearch(t *testing.T) {
	codes := func(q string) []string {
		var out []string
		for _, l := range Search(q) {
			out = append(out, l.Code)
		}
		return out
	}
	cases := map[string]string{
		"ger":       "de",    // English name, any case
		"GERMAN":    "de",    //
		"deutsch":   "de",    // native name
		"DE":        "de",    // code
		"日本":        "ja",    // native script
		"brazilian": "pt-BR", // a named regional variant
	}
	for q, first := range cases {
		got := codes(q)
		if len(got) == 0 || got[0] != first {
			t.Errorf("Search(%q) = %v, want %s first", q, got, first)
		}
		for _, l := range Search(q) {
			hay := strings.ToLower(l.Code + " " + l.Name + " " + l.NativeName)
			if !strings.Contains(hay, strings.ToLower(q)) {
				t.Errorf("Search(%q) returned %+v, which does not match", q, l)
			}
		}
	}
	if n := len(Search("")); n != len(Available()) {
		t.Errorf("empty search gave %d of %d", n, len(Available()))
	}
	if got := Search("qqqq"); len(got) != 0 {
		t.Errorf("Search(qqqq) = %v", got)
	}
}
