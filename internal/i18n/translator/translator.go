// Package translator machine-translates short texts (verification level
// titles, descriptions, field names) with Amazon Translate.
package translator

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/translate"
	"github.com/aws/aws-sdk-go-v2/service/translate/types"

	"clientarea/internal/platform/apperr"
)

// Translator translates text from one BCP 47 language to another.
type Translator interface {
	Translate(ctx context.Context, text, from, to string) (string, error)
}

// AWS is the Amazon Translate implementation.
type AWS struct{ client *translate.Client }

// NewAWS returns a translator using cfg; endpoint (TRANSLATE_ENDPOINT)
// points it at a local server when set.
func NewAWS(cfg aws.Config, endpoint string) *AWS {
	return &AWS{client: translate.NewFromConfig(cfg, func(o *translate.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})}
}

// Translate calls TranslateText. Languages Amazon Translate cannot pair are
// 422 unsupported_language_pair; any other failure is 503 translation_failed
// (its cause is logged, not shown).
func (a *AWS) Translate(ctx context.Context, text, from, to string) (string, error) {
	out, err := a.client.TranslateText(ctx, &translate.TranslateTextInput{
		Text:               aws.String(text),
		SourceLanguageCode: aws.String(ServiceCode(from)),
		TargetLanguageCode: aws.String(ServiceCode(to)),
	})
	if err != nil {
		var pair *types.UnsupportedLanguagePairException
		if errors.As(err, &pair) {
			return "", apperr.Newf(apperr.Invalid, "unsupported_language_pair",
				"machine translation from %s to %s is not supported", from, to)
		}
		return "", &apperr.Error{Kind: apperr.Unavailable, Code: "translation_failed",
			Detail: "the translation service did not answer; try again later",
			Op:     "translate text", Err: err}
	}
	return aws.ToString(out.TranslatedText), nil
}

// serviceRegional are the regional variants Amazon Translate has codes of
// their own for; every other tag is translated as its base language
// (pt-BR is Amazon's "pt", en-GB its "en").
var serviceRegional = map[string]string{
	"pt-PT": "pt-PT", "fr-CA": "fr-CA", "es-MX": "es-MX", "fa-AF": "fa-AF", "zh-Hant": "zh-TW", "zh-TW": "zh-TW",
}

// ServiceCode is the Amazon Translate language code for a canonical BCP 47
// tag from the available list (locales): the tag itself for the regional
// variants Translate knows, else its base language, the subtag before the
// first "-" ("es-419" -> "es", "sr-Latn" -> "sr").
func ServiceCode(code string) string {
	if c, ok := serviceRegional[code]; ok {
		return c
	}
	base, _, _ := strings.Cut(code, "-")
	return base
}

// Unavailable is the answer when no translator is configured.
func Unavailable() error {
	return apperr.New(apperr.Unavailable, "translation_unavailable", "machine translation is not configured for this service")
}

var _ Translator = (*AWS)(nil)
