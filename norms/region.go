package norms

import "time"

// Regional human rights systems reach a state by its membership, which
// changes over time; universal treaties are not looked up (the engine does
// not decide ratification, see the package comment). The tables below are
// the states bound at the dates given, as the depositaries' public records
// stood in 2026; docs/norms.md says where a reviewer checks each one.

// membership is one state's period in a regional system. A zero from means
// since before any incident Lifeline documents; a zero until, still bound.
type membership struct {
	country     string
	from, until string // YYYY-MM-DD or ""
}

func members(codes ...string) []membership {
	out := make([]membership, len(codes))
	for i, c := range codes {
		out[i] = membership{country: c}
	}
	return out
}

// regions maps each value of the "region" field to its members.
var regions = map[string][]membership{
	// African Charter on Human and Peoples' Rights: every African Union
	// member except Morocco, which rejoined the Union in 2017 without
	// ratifying the Charter. EH is the Sahrawi Arab Democratic Republic.
	"african_charter": members("DZ", "AO", "BJ", "BW", "BF", "BI", "CV", "CM", "CF", "TD", "KM", "CG", "CD", "CI",
		"DJ", "EG", "GQ", "ER", "SZ", "ET", "GA", "GM", "GH", "GN", "GW", "KE", "LS", "LR", "LY", "MG", "MW", "ML",
		"MR", "MU", "MZ", "NA", "NE", "NG", "RW", "ST", "SN", "SC", "SL", "SO", "ZA", "SS", "SD", "TZ", "TG", "TN",
		"UG", "ZM", "ZW", "EH"),
	// ECOWAS: fifteen members; Burkina Faso, Mali and Niger left on
	// 29 January 2025.
	"ecowas": append(members("BJ", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "NG", "SN", "SL", "TG"),
		membership{"BF", "", "2025-01-28"}, membership{"ML", "", "2025-01-28"}, membership{"NE", "", "2025-01-28"}),
	// European Convention on Human Rights: the 46 member states of the
	// Council of Europe; Russia ceased to be a party on 16 September 2022.
	"echr": append(members("AL", "AD", "AM", "AT", "AZ", "BE", "BA", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
		"GE", "DE", "GR", "HU", "IS", "IE", "IT", "LV", "LI", "LT", "LU", "MT", "MD", "MC", "ME", "NL", "MK", "NO",
		"PL", "PT", "RO", "SM", "RS", "SK", "SI", "ES", "SE", "CH", "TR", "UA", "GB"),
		membership{"RU", "1998-05-05", "2022-09-15"}),
	// American Convention on Human Rights: Trinidad and Tobago's
	// denunciation took effect on 26 May 1999 and Venezuela's on
	// 10 September 2013 (Venezuela's 2019 re-ratification is disputed and
	// not counted here).
	"achr": append(members("AR", "BB", "BO", "BR", "CL", "CO", "CR", "DM", "DO", "EC", "SV", "GD", "GT", "HT", "HN",
		"JM", "MX", "NI", "PA", "PY", "PE", "SR", "UY"),
		membership{"TT", "", "1999-05-25"}, membership{"VE", "", "2013-09-09"}),
}

// regionNames lists the regions in the order of the "region" field.
func regionNames() []string {
	f, _ := FieldByName("region")
	return f.ValueNames()
}

// memberAt reports whether country belonged to region at some time in
// [start, end]; a nil start or end leaves that side open.
func memberAt(region, country string, start, end *time.Time) bool {
	for _, m := range regions[region] {
		if m.country != country {
			continue
		}
		if m.until != "" && start != nil {
			until, _ := time.Parse(time.DateOnly, m.until)
			if start.After(until.Add(24*time.Hour - time.Nanosecond)) {
				continue
			}
		}
		if m.from != "" && end != nil {
			from, _ := time.Parse(time.DateOnly, m.from)
			if end.Before(from) {
				continue
			}
		}
		return true
	}
	return false
}
