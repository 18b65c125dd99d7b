package main

import "lifeline/web/i18n"

// msgFR is the command line's French, with the French typographic spaces
// (a narrow no-break space before : ; ? ! and %).
var msgFR = i18n.Messages{
	"num.pct": "%.1f %%",

	"sim.samples":         "%[1]d tirages (graine %[2]s), perte de capacité calculée sur les %[3]d premiers ; capacité perdue : moyenne [intervalle à 95 %%]",
	"sim.samples.all":     "%[1]d tirages (graine %[2]s) ; capacité perdue : moyenne [intervalle à 95 %%]",
	"sim.place":           "lieu %[1]s (%[2]s, %[3]s) : %[4]s, p(coupé) %[5]s, %[6]s/%[7]s de ses câbles hors service",
	"sim.place.reachable": "joignable",
	"sim.place.cutoff":    "COUPÉ",
	"sim.failed":          "hors service : %[1]d câble(s), %[2]d segment(s), %[3]d point(s) d’atterrissement, %[4]d lien(s) terrestre(s), %[5]d pays coupé(s) par les autorités",
	"sim.head":            "pays\tnom\tjoignable\tp(coupé)\tcapacité perdue\tcircuits perdus (pire région)\tcâbles hors service\tpopulation\tpop. × perte\t",
	"sim.yes":             "oui",
	"sim.no":              "NON",
	"sim.none":            "aucun pays n’est touché",
	"sim.more":            i18n.Plural{Arg: 1, One: "… et %d autre pays touché (--top 0 ou --json pour tous)", Other: "… et %d autres pays touchés (--top 0 ou --json pour tous)"},
	"sim.people":          "pop. × perte est un équivalent, pas un nombre de personnes hors ligne : 100 millions de personnes qui perdent un dixième de la capacité comptent pour 10 millions",
	"sim.ases.only":       "simulate : l’événement %d (ases) n’agit qu’au niveau des AS ; ajoutez --asrel FICHIER pour l’exécuter",
	"sim.err.formats":     "--json et --geojson : choisissez l’un des deux",
	"sim.err.samples":     "--samples et --flow-samples : 0 ou plus attendu",
	"sim.err.country":     "--as-country sert au niveau des AS : ajoutez aussi --asrel FICHIER",
	"sim.err.geojson":     "--geojson ne montre que le niveau des câbles : retirez --asrel, ou utilisez --json",
	"sim.err.asrel":       "--asrel : l’événement %[1]d (%[2]s) a besoin de --as-country FICHIER pour connaître les réseaux du pays",
	"err.asof":            "--as-of : une année telle que 2008 est attendue, trouvé %s",
	"assess.err.rank":     "--rank ne prend aucun pays",

	"assess.profile":     "%[1]s (%[2]s)  note %[3]d/100  [N-1 %[4]s, N-2 %[5]s, capacité %[6]s, sites %[7]s]",
	"assess.inputs":      "  données : chiffres de capacité %[1]s publiés, %[2]s estimés, %[3]s supposés (en Gbit/s)",
	"assess.hub":         "  un nœud du cœur de l’Internet",
	"assess.unreachable": "  aucun chemin vers le cœur, même sans panne",
	"assess.cables":      "  câbles (%[1]d) : %[2]s",
	"assess.stations":    "  stations d’atterrissement : %[1]d sur %[2]d site(s) distinct(s)",
	"assess.flow":        "  flot maximal vers le cœur : %[1]s Gbit/s (%[2]s kbit/s par personne)",
	"assess.cutsoff":     "%s (coupe)",
	"assess.loss":        "%[1]s (−%[2]s)",
	"assess.depends":     "  dépend de : %s",
	"assess.n1.none":     "  N-1 : aucune perte isolée ne le coupe",
	"assess.n1":          "  N-1 : chacun de ces éléments le coupe à lui seul :",
	"assess.critical":    "  critiques pour la capacité (chacun à lui seul coûte plus de %s) :",
	"assess.to.core":     "    %[1]s : −%[2]s de sa capacité vers le cœur",
	"assess.to.region":   "    %[1]s : −%[2]s de ses circuits vers %[3]s",
	"assess.n2.none":     "  N-2 : aucune paire de pertes ne le coupe (au-delà de l’ensemble N-1)",
	"assess.n2":          i18n.Plural{Arg: 1, One: "  N-2 : %d paire le coupe :", Other: "  N-2 : %d paires le coupent :"},
	"assess.n2.more":     "    … et %d de plus (--json pour toutes)",
	"assess.score.head":  "pays\tnom\tnote\tcâbles\tsites\tN-1\tN-2\tGbit/s\t",
	"assess.rank.head":   "type\tid\tpopulation coupée\tpays",

	// simulate, the AS level
	"as.head":           "niveau des AS : %[1]s AS, %[2]s liens fournisseur-client et %[3]s liens de pair à pair",
	"as.failed":         "hors service : %s AS",
	"as.failed.shut":    "hors service : %[1]s AS ; coupés : %[2]s",
	"as.lost":           "perdu : %[1]s paires ordonnées d’AS en service (%[2]s) ; %[3]s AS perdent au moins une destination, dont %[4]s sous les AS hors service",
	"as.countries.head": "pays\tnom\tAS\thors service\ttouchés\tcoupés\tpart perdue\t",
	"as.countries.more": i18n.Plural{Arg: 1, One: "… et %d autre pays (--json pour tous)", Other: "… et %d autres pays (--json pour tous)"},
	"as.none":           "aucun réseau ne perd de chemin",
	"as.networks":       "réseaux qui perdent le plus (dessous : leurs chemins vers le haut passaient par un réseau hors service)",
	"as.networks.head":  "AS\tpays\tperdu\tpart\tdessous\tfournisseurs hors service\t",
	"as.networks.more":  "… et %[1]s autres dans --json ; %[2]s autres perdent chacun moins de %[3]s des autres (au plus %[4]s)",

	// simulate, demand
	"sim.demand":        "demande : %[1]s utilise %[2]s de bande passante internationale (%[3]s) ; il reste %[4]s vers le cœur : %[5]s",
	"sim.demand.enough": "suffisant",
	"sim.demand.short":  "INSUFFISANT",
}
