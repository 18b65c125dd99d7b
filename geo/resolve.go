package geo

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Resolve maps a free-text English country name, alias, alpha-2, alpha-3
// or numeric code to the alpha-2 code. Matching ignores case, diacritics,
// punctuation, spacing and the word "the", and reads "St" as "Saint" and "&"
// as "and", so "Côte d'Ivoire", "Cote dIvoire" and "Ivory Coast" all give
// "CI", and "Bahamas, The" gives "BS". Names that could mean more than one
// country ("Korea", "Virgin Islands") do not resolve.
func Resolve(name string) (code string, ok bool) {
	var buf [64]byte
	key := appendKey(buf[:0], name)
	code, ok = load().names[string(key)]
	return code, ok
}

// nameIndex builds the normalized-name index and rejects two countries
// claiming the same key.
func nameIndex(countries []Country) (map[string]string, error) {
	m := make(map[string]string, len(countries)*6)
	add := func(s, code string) error {
		k := string(appendKey(nil, s))
		if k == "" {
			return fmt.Errorf("%s: name %q has no letters or digits", code, s)
		}
		if prev, ok := m[k]; ok && prev != code {
			return fmt.Errorf("name %q is claimed by both %s and %s", s, prev, code)
		}
		m[k] = code
		return nil
	}
	for _, c := range countries {
		names := append([]string{c.Code, c.Code3, c.Name}, c.Aliases...)
		if c.Numeric != "" {
			names = append(names, c.Numeric)
		}
		for _, s := range names {
			if err := add(s, c.Code); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// appendKey appends the matching key of s to dst: lower-case ASCII letters
// and digits with diacritics folded, apostrophes dropped, other punctuation
// and spaces separating words, the word "the" dropped, "st"/"ste" spelt out,
// and the words joined with nothing between them.
func appendKey(dst []byte, s string) []byte {
	start := len(dst) // start of the current word
	end := func() {
		switch string(dst[start:]) {
		case "the":
			dst = dst[:start]
		case "st":
			dst = append(dst[:start], "saint"...)
		case "ste":
			dst = append(dst[:start], "sainte"...)
		}
		start = len(dst)
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			dst = append(dst, byte(r))
		case r >= 'A' && r <= 'Z':
			dst = append(dst, byte(r)+'a'-'A')
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '\u02bc' || r == '`':
			// An apostrophe joins: "d'Ivoire" and "dIvoire" match.
		case r == '&':
			end()
			dst = append(dst, "and"...)
			end()
		case r >= 0xC0 && r <= 0x17F:
			f := latinFold[r-0xC0]
			if f == "" {
				end()
				continue
			}
			dst = append(dst, f...)
		case r == 0x218 || r == 0x219: // Ș ș
			dst = append(dst, 's')
		case r == 0x21A || r == 0x21B: // Ț ț
			dst = append(dst, 't')
		case unicode.Is(unicode.Mn, r):
			// A combining mark (decomposed diacritic) is dropped.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		default:
			end()
		}
	}
	end()
	return dst
}

// latinFold spells U+00C0–U+017F without diacritics; "" marks the two
// symbols in that range (× and ÷), which separate words.
var latinFold = [...]string{
	// U+00C0
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	// U+0100
	"a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	"d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	"i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	"l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	"s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	"u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
}
