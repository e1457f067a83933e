package otp

import (
	"fmt"
	"strings"
	"time"
)

// texts are the SMS texts by language: the code, then the minutes it is
// valid. They stay short (one GSM-7 or UCS-2 segment) and say not to share
// the code, which is what phishing for codes relies on.
var texts = map[string]string{
	"en": "Your verification code is %s. It expires in %d min. Never share it with anyone.",
	"de": "Ihr Bestätigungscode lautet %s. Er ist %d Min. gültig. Geben Sie ihn niemals weiter.",
	"es": "Tu código de verificación es %s. Caduca en %d min. No lo compartas con nadie.",
	"fr": "Votre code de vérification est %s. Il expire dans %d min. Ne le partagez jamais.",
	"it": "Il tuo codice di verifica è %s. Scade tra %d min. Non condividerlo con nessuno.",
	"pt": "O seu código de verificação é %s. Expira em %d min. Nunca o partilhe.",
	"ru": "Ваш код подтверждения: %s. Действует %d мин. Никому его не сообщайте.",
}

// FallbackLanguage is the language of texts when neither the client's nor
// the default language has one.
const FallbackLanguage = "en"

// Text is the SMS carrying code in lang, else in defaultLang, else in
// English. A regional tag ("pt-BR") uses its base language's text.
func Text(lang, defaultLang, code string, ttl time.Duration) string {
	minutes := int((ttl + time.Minute - 1) / time.Minute)
	return fmt.Sprintf(texts[textLanguage(lang, defaultLang)], code, minutes)
}

func textLanguage(langs ...string) string {
	for _, l := range langs {
		l = strings.ToLower(strings.TrimSpace(l))
		if _, ok := texts[l]; ok {
			return l
		}
		if base, _, found := strings.Cut(l, "-"); found {
			if _, ok := texts[base]; ok {
				return base
			}
		}
	}
	return FallbackLanguage
}

// Languages lists the languages that have an SMS text.
func Languages() []string {
	out := make([]string, 0, len(texts))
	for l := range texts {
		out = append(out, l)
	}
	return out
}
