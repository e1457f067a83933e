package principal

import (
	"net/http/httptest"
	"testing"
)

func TestResolve(t *testing.T) {
	res := Resolver{AdminClaimName: "cognito:groups", AdminClaimValue: "client-area-admin", DevAdminToken: "dev"}
	cases := []struct {
		name   string
		token  string
		claims *Claims
		want   Role
	}{
		{name: "no token", want: Anonymous},
		{name: "dev token", token: "dev", want: Admin},
		{name: "group list", claims: &Claims{Values: map[string]string{"cognito:groups": "[sales client-area-admin]"}}, want: Admin},
		{name: "comma list", claims: &Claims{Values: map[string]string{"cognito:groups": "sales,client-area-admin"}}, want: Admin},
		{name: "scope", claims: &Claims{Scopes: []string{"client-area-admin"}}, want: Admin},
		{name: "other group", claims: &Claims{Values: map[string]string{"cognito:groups": "[client-area-admins]"}}, want: Client},
		// A verified JWT decides; the dev token cannot upgrade it.
		{name: "claims win over dev token", token: "dev", claims: &Claims{Values: map[string]string{}}, want: Client},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		if c.token != "" {
			r.Header.Set("Authorization", "Bearer "+c.token)
		}
		if c.claims != nil {
			r = r.WithContext(WithClaims(r.Context(), *c.claims))
		}
		p, err := res.Resolve(r)
		if err != nil || p.Role != c.want {
			t.Errorf("%s: role %d err %v, want %d", c.name, p.Role, err, c.want)
		}
	}
}

func TestDevTokenIsOffUnlessConfigured(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer dev-admin")
	if p, err := (Resolver{}).Resolve(r); err == nil || p.Role == Admin {
		t.Fatalf("an unconfigured dev token made %v, %v", p, err)
	}
}
