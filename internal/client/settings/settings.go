// Package settings reads, for one client request, the configuration the
// admins saved: every section in one Query of the configuration partition,
// normalized, with each section's defaults where it was never saved. By
// default it is read at request time, so that an admin's change applies to
// the next request of every client; a Source with a TTL
// (CONFIG_CACHE_SECONDS) keeps it per instance for that long instead.
package settings

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"clientarea/internal/admindoc"
	"clientarea/internal/platform/dynamo"
	"clientarea/internal/sections/documents"
	"clientarea/internal/sections/general"
	"clientarea/internal/sections/languages"
	"clientarea/internal/sections/security"
	"clientarea/internal/sections/verification/levels"
)

// Settings is the configuration a client request is governed by.
type Settings struct {
	General      general.Config
	Security     security.Config
	Registration security.Registration
	Languages    languages.Config
	Documents    documents.Config
	Verification levels.Account // what opening an account needs
	LevelOrder   levels.Order
}

// Load reads every section in one Query (strongly consistent, like the
// admin GETs), so that what an admin saved governs the next request.
func Load(ctx context.Context, table dynamo.Table) (Settings, error) {
	items, err := querySections(ctx, table)
	if err != nil {
		return Settings{}, err
	}
	return FromItems(items)
}

// FromItems decodes the section items (keyed by their sort key,
// "SECTION#general"...); a missing one takes its defaults.
func FromItems(items map[string]map[string]types.AttributeValue) (Settings, error) {
	var s Settings
	env := admindoc.Env{}
	err := firstErr(
		decode(env, general.Section(), items, &s.General),
		decode(env, security.Section(), items, &s.Security),
		decode(env, security.RegistrationSection(), items, &s.Registration),
		decode(env, languages.Section(nil), items, &s.Languages),
		decode(env, documents.Section(), items, &s.Documents),
		decode(env, levels.AccountSection(nil, nil), items, &s.Verification),
		decode(env, levels.OrderSection(nil), items, &s.LevelOrder),
	)
	return s, err
}

func decode[T any](env admindoc.Env, def admindoc.Definition[T], items map[string]map[string]types.AttributeValue, into *T) error {
	rec, err := admindoc.New(env, def).Decode(items[dynamo.SectionKey(def.Section).SK])
	*into = rec.Doc
	return err
}

func querySections(ctx context.Context, table dynamo.Table) (map[string]map[string]types.AttributeValue, error) {
	out := map[string]map[string]types.AttributeValue{}
	prefix := dynamo.SectionKey("").SK // "SECTION#"
	in := &dynamodb.QueryInput{
		TableName:              aws.String(table.Name),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(dynamo.ConfigPartition()), ":prefix": dynamo.S(prefix),
		},
		ConsistentRead: aws.Bool(true),
	}
	items, err := table.QueryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("read the configuration: %w", err)
	}
	for _, it := range items {
		out[dynamo.KeyOf(it).SK] = it
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
