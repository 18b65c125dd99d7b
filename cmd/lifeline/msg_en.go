package main

import "lifeline/web/i18n"

// msgEN is the command line's English, the reference of its catalogue.
var msgEN = i18n.Messages{
	"num.pct": "%.1f%%",

	// simulate
	"sim.samples":         "%[1]d samples (seed %[2]s), capacity loss from the first %[3]d; capacity lost: mean [95%% interval]",
	"sim.samples.all":     "%[1]d samples (seed %[2]s); capacity lost: mean [95%% interval]",
	"sim.place":           "place %[1]s (%[2]s, %[3]s): %[4]s, p(cut off) %[5]s, %[6]s/%[7]s of its cables failed",
	"sim.place.reachable": "reachable",
	"sim.place.cutoff":    "CUT OFF",
	"sim.failed":          "failed: %[1]d cable(s), %[2]d segment(s), %[3]d landing point(s), %[4]d land link(s), %[5]d country(ies) shut down",
	"sim.head":            "country\tname\treachable\tp(cut off)\tcapacity lost\tcircuits lost (worst region)\tcables failed\tpopulation\tpop × lost\t",
	"sim.yes":             "yes",
	"sim.no":              "NO",
	"sim.none":            "no country is affected",
	"sim.more":            i18n.Plural{Arg: 1, One: "… and %d more affected country (--top 0 or --json for all)", Other: "… and %d more affected countries (--top 0 or --json for all)"},
	"sim.people":          "pop × lost is an equivalent, not people offline: 100 million people losing a tenth of capacity count 10 million",
	"sim.ases.only":       "simulate: event %d (ases) acts at the AS level only; give --asrel FILE to run it",
	"sim.err.formats":     "--json and --geojson: choose one",
	"sim.err.samples":     "--samples and --flow-samples: want 0 or more",
	"sim.err.country":     "--as-country serves the AS level: give --asrel FILE too",
	"sim.err.geojson":     "--geojson shows the cable level only: drop --asrel, or use --json",
	"sim.err.asrel":       "--asrel: event %[1]d (%[2]s) needs --as-country FILE to know the country's networks",
	"err.asof":            "--as-of: want a year such as 2008, found %s",
	"assess.err.rank":     "--rank takes no countries",

	// assess
	"assess.profile":     "%[1]s (%[2]s)  score %[3]d/100  [N-1 %[4]s, N-2 %[5]s, capacity %[6]s, sites %[7]s]",
	"assess.inputs":      "  inputs: capacity figures %[1]s reported, %[2]s estimated, %[3]s assumed (by Gbit/s)",
	"assess.hub":         "  a hub of the core",
	"assess.unreachable": "  no path to the core even with nothing failed",
	"assess.cables":      "  cables (%[1]d): %[2]s",
	"assess.stations":    "  landing stations: %[1]d at %[2]d distinct site(s)",
	"assess.flow":        "  max-flow to the core: %[1]s Gbit/s (%[2]s kbit/s per person)",
	"assess.cutsoff":     "%s (cuts off)",
	"assess.loss":        "%[1]s (−%[2]s)",
	"assess.depends":     "  depends on: %s",
	"assess.n1.none":     "  N-1: no single loss cuts it off",
	"assess.n1":          "  N-1: each of these alone cuts it off:",
	"assess.critical":    "  capacity-critical (each alone costs more than %s):",
	"assess.to.core":     "    %[1]s: −%[2]s of its capacity to the core",
	"assess.to.region":   "    %[1]s: −%[2]s of its circuits to %[3]s",
	"assess.n2.none":     "  N-2: no pair of losses cuts it off (beyond the N-1 set)",
	"assess.n2":          i18n.Plural{Arg: 1, One: "  N-2: %d pair cuts it off:", Other: "  N-2: %d pairs cut it off:"},
	"assess.n2.more":     "    … and %d more (--json for all)",
	"assess.score.head":  "country\tname\tscore\tcables\tsites\tN-1\tN-2\tGbit/s\t",
	"assess.rank.head":   "kind\tid\tpopulation cut off\tcountries",

	// simulate, the AS level
	"as.head":           "AS level: %[1]s ASes, %[2]s provider-customer and %[3]s peer links",
	"as.failed":         "failed: %s AS(es)",
	"as.failed.shut":    "failed: %[1]s AS(es); shut down: %[2]s",
	"as.lost":           "lost: %[1]s ordered pairs of live ASes (%[2]s); %[3]s ASes lose at least one destination, %[4]s of them below the failed ones",
	"as.countries.head": "country\tname\tASes\tfailed\taffected\tcut off\tshare lost\t",
	"as.countries.more": i18n.Plural{Arg: 1, One: "… and %d more country (--json for all)", Other: "… and %d more countries (--json for all)"},
	"as.none":           "no network loses a path",
	"as.networks":       "networks that lose the most (below: their paths up crossed a failed network)",
	"as.networks.head":  "AS\tcountry\tlost\tshare\tbelow\tfailed providers\t",
	"as.networks.more":  "… and %[1]s more listed in --json; %[2]s more lose less than %[3]s of the others each (at most %[4]s)",

	// simulate, demand
	"sim.demand":        "demand: %[1]s uses %[2]s of international bandwidth (%[3]s); %[4]s left to the core: %[5]s",
	"sim.demand.enough": "enough",
	"sim.demand.short":  "SHORT",
}
