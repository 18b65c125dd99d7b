package main

import (
	"fmt"
	"os"
	"strings"

	"lifeline/web/i18n"
)

// langFlag registers --lang, the language of a command's human output.
func langFlag(cmdFlags interface {
	StringVar(p *string, name, value, usage string)
}, dst *string) {
	cmdFlags.StringVar(dst, "lang", "", "language of the output: ar, zh, en, fr, ru or es (default: from $LC_ALL, $LC_MESSAGES or $LANG, else English)")
}

// chooseLang picks the language of the human output: --lang if given, else
// the locale of the environment as POSIX orders it ($LC_ALL, then
// $LC_MESSAGES, then $LANG: "ar_SD.UTF-8" is Arabic), else English. A
// locale the catalogue does not speak ("de_DE", "C") is English; a --lang
// it does not speak is a usage error.
func chooseLang(flag string) (i18n.Lang, error) {
	if flag != "" {
		l, ok := i18n.ByCode(strings.ToLower(flag))
		if !ok {
			return i18n.Lang{}, &usageError{fmt.Errorf("--lang: expected one of ar, zh, en, fr, ru, es, found %q", flag)}
		}
		return l, nil
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(env)
		if v == "" {
			continue
		}
		code, _, _ := strings.Cut(v, "_")
		code, _, _ = strings.Cut(code, ".")
		code, _, _ = strings.Cut(code, "@")
		l, ok := i18n.ByCode(strings.ToLower(code))
		if !ok {
			return i18n.English, nil
		}
		return l, nil
	}
	return i18n.English, nil
}
