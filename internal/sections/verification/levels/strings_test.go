package levels

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestStringsRefuseNonStringValues(t *testing.T) {
	cases := []struct{ body, want, err string }{
		{`{"a":"b","c":""}`, "map[a:b c:]", ""},
		{`null`, "map[]", ""},
		{`{}`, "map[]", ""},
		{`{"a":"b","c":null}`, "", "c"},
		{`{"a":1}`, "", "a"},
		{`{"a":{"b":"c"}}`, "", "a"},
		{`["a"]`, "", "array"},
	}
	for _, c := range cases {
		var s Strings
		err := json.Unmarshal([]byte(c.body), &s)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.body, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one naming %q", c.body, err, c.err)
		case c.err == "" && fmtMap(s) != c.want:
			t.Errorf("%s: decoded %v, want %s", c.body, s, c.want)
		}
	}
}

func fmtMap(s Strings) string {
	var b strings.Builder
	b.WriteString("map[")
	for i, k := range sortedKeys(s) {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(k + ":" + s[k])
	}
	return b.String() + "]"
}
