package samtemplate

import "testing"

func TestFindParsesTheRepositoryTemplate(t *testing.T) {
	tpl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := tpl.Function("general")
	if !ok {
		t.Fatalf("no general function in %+v", tpl.Functions)
	}
	if fn.LogicalID != "GeneralFunction" || len(fn.Routes) == 0 {
		t.Fatalf("general function parsed as %+v", fn)
	}
	if len(tpl.Table.KeySchema) != 2 || tpl.Table.TimeToLiveSpecification.AttributeName != "ttl" {
		t.Fatalf("table parsed as %+v", tpl.Table)
	}
	if tpl.DefaultAuthorizer != "AdminJwt" {
		t.Fatalf("default authorizer %q", tpl.DefaultAuthorizer)
	}
}
