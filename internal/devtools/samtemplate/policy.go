package samtemplate

import (
	"fmt"
	"path"

	"gopkg.in/yaml.v3"
)

// Statement is one IAM policy statement of a function's inline Policies:
// enough of it to tell whether the function may make a DynamoDB call.
type Statement struct {
	Effect   string
	Actions  []string
	Resource string // "Table.Arn" for !GetAtt Table.Arn, the text otherwise
	// LeadingKeys are the dynamodb:LeadingKeys the statement is limited to
	// (none: any partition); Like says they are StringLike patterns.
	LeadingKeys []string
	Like        bool
}

type rawPolicies struct {
	Policies []struct {
		Statement []struct {
			Effect    string               `yaml:"Effect"`
			Action    stringList           `yaml:"Action"`
			Resource  yaml.Node            `yaml:"Resource"`
			Condition map[string]yaml.Node `yaml:"Condition"`
		} `yaml:"Statement"`
	} `yaml:"Policies"`
}

// stringList reads an IAM field that is a string or a list of strings.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = []string{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

func parsePolicies(id string, props *yaml.Node) ([]Statement, error) {
	var raw rawPolicies
	if err := props.Decode(&raw); err != nil {
		return nil, fmt.Errorf("function %s policies: %w", id, err)
	}
	var out []Statement
	for _, p := range raw.Policies {
		for _, st := range p.Statement {
			s := Statement{Effect: st.Effect, Actions: st.Action, Resource: st.Resource.Value}
			for op, cond := range st.Condition {
				var keys map[string]stringList
				if err := cond.Decode(&keys); err != nil {
					return nil, fmt.Errorf("function %s condition %s: %w", id, op, err)
				}
				if lk, ok := keys["dynamodb:LeadingKeys"]; ok {
					s.LeadingKeys = lk
					s.Like = op == "ForAllValues:StringLike"
				}
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// AllowsDynamoDB reports whether the function's policies let it run action
// ("dynamodb:GetItem"...) on the table's partition pk.
func (f Function) AllowsDynamoDB(action, pk string) bool {
	for _, s := range f.Policies {
		if s.Effect == "Allow" && s.Resource == "Table.Arn" && s.allowsAction(action) && s.allowsKey(pk) {
			return true
		}
	}
	return false
}

func (s Statement) allowsAction(action string) bool {
	for _, a := range s.Actions {
		if ok, _ := path.Match(a, action); ok {
			return true
		}
	}
	return false
}

func (s Statement) allowsKey(pk string) bool {
	if len(s.LeadingKeys) == 0 {
		return true
	}
	for _, k := range s.LeadingKeys {
		if k == pk {
			return true
		}
		if s.Like {
			if ok, _ := path.Match(k, pk); ok {
				return true
			}
		}
	}
	return false
}
