package norms

import "time"

// Regional human rights systems reach a state by its membership, which
// changes over time; universal treaties are not looked up (the engine does
// not decide ratification, see the package comment). The table below is the
// states bound at the dates given, each system with the source its list was
// checked against and the day it was checked (docs/norms.md, "Regional
// membership"); TestRegionTable holds it to valid, unique ISO codes and a
// recorded source.

// membership is one state's period in a regional system. A zero from means
// since before any incident Lifeline documents; a zero until, still bound.
// until is the last day the state was bound: the day before a denunciation
// or withdrawal took effect.
type membership struct {
	country     string
	from, until string // YYYY-MM-DD or ""
}

// regionTable is one regional system's members and where they were read.
type regionTable struct {
	members []membership
	source  string // the depositary's or the body's record, and where it was read
	checked string // YYYY-MM-DD, the day the list was checked against source
}

func members(codes ...string) []membership {
	out := make([]membership, len(codes))
	for i, c := range codes {
		out[i] = membership{country: c}
	}
	return out
}

// regions maps each value of the "region" field to its table.
var regions = map[string]regionTable{
	// African Charter on Human and Peoples' Rights: every African Union
	// member except Morocco, which rejoined the Union in 2017 without
	// ratifying the Charter. EH is the Sahrawi Arab Democratic Republic.
	"african_charter": {
		members: members("DZ", "AO", "BJ", "BW", "BF", "BI", "CV", "CM", "CF", "TD", "KM", "CG", "CD", "CI",
			"DJ", "EG", "GQ", "ER", "SZ", "ET", "GA", "GM", "GH", "GN", "GW", "KE", "LS", "LR", "LY", "MG", "MW", "ML",
			"MR", "MU", "MZ", "NA", "NE", "NG", "RW", "ST", "SN", "SC", "SL", "SO", "ZA", "SS", "SD", "TZ", "TG", "TN",
			"UG", "ZM", "ZW", "EH"),
		source: "African Union status list of the Charter (depositary); read as its count — 54 of the 55 AU member states have ratified, " +
			"Morocco has not — at https://www.david-cook.org/how-many-countries-have-ratified-the-african-charter-on-human-and-peoples-rights/ " +
			"and https://grforafrica.blogspot.com/2016/04/african-charter-on-human-and-peoples.html (53 ratified, 1 not, before South Sudan's " +
			"ratification); the state-by-state dates were not read",
		checked: "2026-12-03",
	},
	// ECOWAS: fifteen members; Burkina Faso, Mali and Niger ceased to be
	// members on 29 January 2025 (article 91 of the revised Treaty).
	"ecowas": {
		members: append(members("BJ", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "NG", "SN", "SL", "TG"),
			membership{"BF", "", "2025-01-28"}, membership{"ML", "", "2025-01-28"}, membership{"NE", "", "2025-01-28"}),
		source: "Final communiqué of the 66th ordinary session of the ECOWAS Authority, Abuja, 15 December 2024: the three states " +
			"cease to be members from 29 January 2025 under article 91 of the revised Treaty; read at " +
			"https://allafrica.com/stories/202412160050.html and https://afrinz.ru/en/2024/12/ecowas-summit-sets-date-for-withdrawal-of-mali-burkina-faso-and-niger-from-the-union/",
		checked: "2026-12-03",
	},
	// European Convention on Human Rights: the 46 member states of the
	// Council of Europe; Russia ceased to be a party on 16 September 2022.
	"echr": {
		members: append(members("AL", "AD", "AM", "AT", "AZ", "BE", "BA", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
			"GE", "DE", "GR", "HU", "IS", "IE", "IT", "LV", "LI", "LT", "LU", "MT", "MD", "MC", "ME", "NL", "MK", "NO",
			"PL", "PT", "RO", "SM", "RS", "SK", "SI", "ES", "SE", "CH", "TR", "UA", "GB"),
			membership{"RU", "1998-05-05", "2022-09-15"}),
		source: "Council of Europe Treaty Office, chart of signatures and ratifications of ETS No. 005 (depositary); the 46 member states " +
			"(March 2022, after Russia's expulsion) read at https://it.wiki34.com/wiki/Consejo_de_Europa and the parties to the Convention's " +
			"Protocols at https://www.verdragen.nl/en/Treaty/Details/010903_p.html?expand-table=partijtabel; the chart itself and Russia's " +
			"dates (ratification 5 May 1998, party until 16 September 2022) were not read in this check",
		checked: "2026-12-03",
	},
	// American Convention on Human Rights: Trinidad and Tobago's
	// denunciation took effect on 28 May 1999 and Venezuela's on
	// 10 September 2013 (Venezuela's 2019 re-ratification is disputed and
	// not counted here).
	"achr": {
		members: append(members("AR", "BB", "BO", "BR", "CL", "CO", "CR", "DM", "DO", "EC", "SV", "GD", "GT", "HT", "HN",
			"JM", "MX", "NI", "PA", "PY", "PE", "SR", "UY"),
			membership{"TT", "", "1999-05-27"}, membership{"VE", "", "2013-09-09"}),
		source: "OAS Department of International Law, signatories and ratifications of treaty B-32 (depositary), read at " +
			"http://www.oas.org/dil/treaties_B-32_American_Convention_on_Human_Rights_sign.htm; the 23 states parties and the effect of the " +
			"denunciations (Venezuela 10 September 2013, Trinidad and Tobago 28 May 1999) read in the Inter-American Court's ABC 2020 at " +
			"https://www.corteidh.or.cr/tablas/abc-2020/ing/6/; under article 78(1) a denunciation given on 26 May 1998 would take effect a " +
			"year later, so Trinidad and Tobago's last day may be 25 rather than 27 May 1999",
		checked: "2026-12-03",
	},
}

// regionNames lists the regions in the order of the "region" field.
func regionNames() []string {
	f, _ := FieldByName("region")
	return f.ValueNames()
}

// memberAt reports whether country belonged to region at some time in
// [start, end]; a nil start or end leaves that side open.
func memberAt(region, country string, start, end *time.Time) bool {
	for _, m := range regions[region].members {
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
