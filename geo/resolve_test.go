package geo

import (
	"testing"
	"unicode/utf8"
)

// cableMapNames is every free-text country name used by the open cable map
// dataset, with the code it must resolve to.
var cableMapNames = map[string]string{
	"Albania": "AL", "Algeria": "DZ", "American Samoa": "AS", "Angola": "AO", "Anguilla": "AI",
	"Antigua and Barbuda": "AG", "Argentina": "AR", "Aruba": "AW", "Australia": "AU", "Bahamas": "BS",
	"Bahrain": "BH", "Bangladesh": "BD", "Barbados": "BB", "Belgium": "BE", "Belize": "BZ",
	"Benin": "BJ", "Bermuda": "BM", "Bonaire, Sint Eustatius and Saba": "BQ", "Brazil": "BR", "Brunei": "BN",
	"Bulgaria": "BG", "Cambodia": "KH", "Cameroon": "CM", "Canada": "CA", "Cape Verde": "CV",
	"Cayman Islands": "KY", "Chile": "CL", "China": "CN", "Christmas Island": "CX", "Cocos (Keeling) Islands": "CC",
	"Colombia": "CO", "Comoros": "KM", "Congo, Dem. Rep.": "CD", "Congo, Rep.": "CG", "Cook Islands": "CK",
	"Costa Rica": "CR", "Croatia": "HR", "Cuba": "CU", "Curaçao": "CW", "Cyprus": "CY",
	"Côte d'Ivoire": "CI", "Denmark": "DK", "Djibouti": "DJ", "Dominica": "DM", "Dominican Republic": "DO",
	"Ecuador": "EC", "Egypt": "EG", "Equatorial Guinea": "GQ", "Estonia": "EE", "Faroe Islands": "FO",
	"Fiji": "FJ", "Finland": "FI", "France": "FR", "French Guiana": "GF", "French Polynesia": "PF",
	"Gabon": "GA", "Gambia": "GM", "Georgia": "GE", "Germany": "DE", "Ghana": "GH",
	"Gibraltar": "GI", "Greece": "GR", "Greenland": "GL", "Grenada": "GD", "Guadeloupe": "GP",
	"Guam": "GU", "Guatemala": "GT", "Guernsey": "GG", "Guinea": "GN", "Guinea-Bissau": "GW",
	"Guyana": "GY", "Haiti": "HT", "Honduras": "HN", "Iceland": "IS", "India": "IN",
	"Indonesia": "ID", "Iran": "IR", "Iraq": "IQ", "Ireland": "IE", "Isle of Man": "IM",
	"Israel": "IL", "Italy": "IT", "Jamaica": "JM", "Japan": "JP", "Jersey": "JE",
	"Jordan": "JO", "Kenya": "KE", "Kiribati": "KI", "Kuwait": "KW", "Latvia": "LV",
	"Lebanon": "LB", "Liberia": "LR", "Libya": "LY", "Lithuania": "LT", "Madagascar": "MG",
	"Malaysia": "MY", "Maldives": "MV", "Malta": "MT", "Marshall Islands": "MH", "Martinique": "MQ",
	"Mauritania": "MR", "Mauritius": "MU", "Mayotte": "YT", "Mexico": "MX", "Micronesia": "FM",
	"Monaco": "MC", "Montserrat": "MS", "Morocco": "MA", "Mozambique": "MZ", "Myanmar": "MM",
	"Namibia": "NA", "Netherlands": "NL", "New Caledonia": "NC", "New Zealand": "NZ", "Nicaragua": "NI",
	"Nigeria": "NG", "Niue": "NU", "Northern Mariana Islands": "MP", "Norway": "NO", "Oman": "OM",
	"Pakistan": "PK", "Palau": "PW", "Panama": "PA", "Papua New Guinea": "PG", "Peru": "PE",
	"Philippines": "PH", "Poland": "PL", "Portugal": "PT", "Qatar": "QA", "Romania": "RO",
	"Russia": "RU", "Réunion": "RE", "Saint Barthélemy": "BL", "Saint Helena, Ascension and Tristan da Cunha": "SH", "Saint Kitts and Nevis": "KN",
	"Saint Lucia": "LC", "Saint Martin": "MF", "Saint Pierre and Miquelon": "PM", "Saint Vincent and the Grenadines": "VC", "Samoa": "WS",
	"Sao Tome and Principe": "ST", "Saudi Arabia": "SA", "Senegal": "SN", "Seychelles": "SC", "Sierra Leone": "SL",
	"Singapore": "SG", "Sint Maarten": "SX", "Solomon Islands": "SB", "Somalia": "SO", "South Africa": "ZA",
	"South Korea": "KR", "Spain": "ES", "Sri Lanka": "LK", "Sudan": "SD", "Suriname": "SR",
	"Sweden": "SE", "Syria": "SY", "Taiwan": "TW", "Tanzania": "TZ", "Thailand": "TH",
	"Timor-Leste": "TL", "Togo": "TG", "Tokelau": "TK", "Tonga": "TO", "Trinidad and Tobago": "TT",
	"Tunisia": "TN", "Turkey": "TR", "Turks and Caicos Islands": "TC", "Ukraine": "UA", "United Arab Emirates": "AE",
	"United Kingdom": "GB", "United States": "US", "Uruguay": "UY", "Vanuatu": "VU", "Venezuela": "VE",
	"Vietnam": "VN", "Virgin Islands (U.K.)": "VG", "Virgin Islands (U.S.)": "VI", "Wallis and Futuna": "WF", "Yemen": "YE",
}

func TestResolveCableMapNames(t *testing.T) {
	if len(cableMapNames) != 180 {
		t.Fatalf("table has %d names, want the 180 of the cable map", len(cableMapNames))
	}
	for name, want := range cableMapNames {
		t.Run(name, func(t *testing.T) {
			if got, ok := Resolve(name); !ok || got != want {
				t.Errorf("Resolve(%q) = %q, %v; want %q", name, got, ok, want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means must not resolve
	}{
		{"Ivory Coast", "CI"},
		{"Cote dIvoire", "CI"},
		{"COTE D’IVOIRE", "CI"},
		{"Co\u0302te d'Ivoire", "CI"}, // decomposed: o + combining circumflex
		{"Türkiye", "TR"},
		{"Turkiye", "TR"},
		{"Czechia", "CZ"},
		{"Czech Republic", "CZ"},
		{"Burma", "MM"},
		{"Swaziland", "SZ"},
		{"Eswatini", "SZ"},
		{"DR Congo", "CD"},
		{"Republic of the Congo", "CG"},
		{"Congo", "CG"},
		{"Korea, Rep.", "KR"},
		{"North Korea", "KP"},
		{"Viet Nam", "VN"},
		{"Russian Federation", "RU"},
		{"Lao PDR", "LA"},
		{"Palestine", "PS"},
		{"State of Palestine", "PS"},
		{"Kosovo", "XK"},
		{"USA", "US"},
		{"U.S.A.", "US"},
		{"UK", "GB"},
		{"Great Britain", "GB"},
		{"Micronesia, Fed. Sts.", "FM"},
		{"Cabo Verde", "CV"},
		{"The Gambia", "GM"},
		{"Bahamas, The", "BS"},
		{"Gambia, The", "GM"},
		{"Egypt, Arab Rep.", "EG"},
		{"Iran, Islamic Rep.", "IR"},
		{"Yemen, Rep.", "YE"},
		{"Macedonia", "MK"},
		{"North Macedonia", "MK"},
		{"East Timor", "TL"},
		{"St. Kitts & Nevis", "KN"},
		{"St Vincent and the Grenadines", "VC"},
		{"Saint-Barthélemy", "BL"},
		{"  united   states  ", "US"},
		{"São Tomé and Príncipe", "ST"},
		{"Åland", "AX"},
		{"Curacao", "CW"},
		{"Reunion", "RE"},
		{"to", "TO"},
		{"ton", "TO"},
		{"776", "TO"},
		{"gbr", "GB"},
		{"Korea", ""},
		{"Virgin Islands", ""},
		{"Atlantis", ""},
		{"", ""},
		{"!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := Resolve(tt.in)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("Resolve(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

// Every name and alias in the table must resolve back to its own country;
// the index refuses a key claimed by two countries, so this also shows there
// are none.
func TestResolveOwnNames(t *testing.T) {
	for _, c := range Countries() {
		t.Run(c.Code, func(t *testing.T) {
			for _, s := range append([]string{c.Code, c.Code3, c.Name}, c.Aliases...) {
				if got, ok := Resolve(s); !ok || got != c.Code {
					t.Errorf("Resolve(%q) = %q, %v; want %q", s, got, ok, c.Code)
				}
			}
		})
	}
}

func TestLatinFoldCoversRange(t *testing.T) {
	if got, want := len(latinFold), 0x180-0xC0; got != want {
		t.Fatalf("latinFold has %d entries, want %d (U+00C0–U+017F)", got, want)
	}
	for _, tt := range []struct{ in, want string }{
		{"ÀÉÎÕÜ", "aeiou"}, {"Ærø", "aero"}, {"Straße", "strasse"}, {"Łódź", "lodz"}, {"Şanlıurfa", "sanliurfa"},
		{"Œuvre", "oeuvre"}, {"Ștefan", "stefan"}, {"2×3", "23"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := string(appendKey(nil, tt.in)); got != tt.want {
				t.Errorf("appendKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"Côte d'Ivoire", "Congo, Dem. Rep.", "St. Kitts & Nevis", "\xff\xfe", "the the st"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := Resolve(s)
		if ok {
			if _, found := Lookup(code); !found {
				t.Fatalf("Resolve(%q) = %q, which Lookup does not know", s, code)
			}
		}
		if code2, ok2 := Resolve(s); code2 != code || ok2 != ok {
			t.Fatalf("Resolve(%q) is not deterministic", s)
		}
		if k := appendKey(nil, s); !utf8.Valid(k) {
			t.Fatalf("appendKey(%q) = %q is not valid UTF-8", s, k)
		}
	})
}

func BenchmarkResolve(b *testing.B) {
	names := make([]string, 0, len(cableMapNames))
	for n := range cableMapNames {
		names = append(names, n)
	}
	Resolve("") // decode the embedded data outside the timer
	i := 0
	for b.Loop() {
		if _, ok := Resolve(names[i%len(names)]); !ok {
			b.Fatal("name did not resolve")
		}
		i++
	}
}
