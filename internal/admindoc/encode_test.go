package admindoc

import "testing"

type inner struct {
	N *int `json:"n"`
	B bool `json:"b"`
}
type outer struct {
	In   inner    `json:"in"`
	List []string `json:"list"`
}

func TestDocRoundTripOverwritesDefaults(t *testing.T) {
	one, two := 1, 2
	av, err := marshalDoc(outer{In: inner{N: &two, B: true}, List: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	got := outer{In: inner{N: &one}}
	if err := unmarshalDoc(av, &got); err != nil {
		t.Fatal(err)
	}
	if *got.In.N != 2 || !got.In.B || len(got.List) != 1 {
		t.Fatalf("decoded %+v (n=%d)", got, *got.In.N)
	}
}
