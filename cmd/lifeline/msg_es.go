package main

import "lifeline/web/i18n"

// msgES is the command line's Spanish.
var msgES = i18n.Messages{
	"num.pct": "%.1f %%",

	"sim.samples":         "%[1]d muestras (semilla %[2]s), pérdida de capacidad calculada en las %[3]d primeras; capacidad perdida: media [intervalo del 95 %%]",
	"sim.samples.all":     "%[1]d muestras (semilla %[2]s); capacidad perdida: media [intervalo del 95 %%]",
	"sim.place":           "lugar %[1]s (%[2]s, %[3]s): %[4]s, p(aislado) %[5]s, %[6]s/%[7]s de sus cables fuera de servicio",
	"sim.place.reachable": "accesible",
	"sim.place.cutoff":    "AISLADO",
	"sim.failed":          "fuera de servicio: %[1]d cable(s), %[2]d segmento(s), %[3]d punto(s) de amarre, %[4]d enlace(s) terrestre(s), %[5]d país(es) con apagón",
	"sim.head":            "país\tnombre\talcanzable\tp(aislado)\tcapacidad perdida\tcircuitos perdidos (peor región)\tcables fuera de servicio\tpoblación\tpobl. × pérdida\t",
	"sim.yes":             "sí",
	"sim.no":              "NO",
	"sim.none":            "ningún país resulta afectado",
	"sim.more":            i18n.Plural{Arg: 1, One: "… y %d país afectado más (--top 0 o --json para todos)", Other: "… y %d países afectados más (--top 0 o --json para todos)"},
	"sim.people":          "pobl. × pérdida es un equivalente, no personas sin conexión: 100 millones de personas que pierden una décima parte de la capacidad cuentan como 10 millones",
	"sim.ases.only":       "simulate: el evento %d (ases) actúa solo a nivel de AS; añada --asrel ARCHIVO para ejecutarlo",
	"sim.err.formats":     "--json y --geojson: elija uno",
	"sim.err.samples":     "--samples y --flow-samples: se espera 0 o más",
	"sim.err.country":     "--as-country sirve al nivel de AS: añada también --asrel ARCHIVO",
	"sim.err.geojson":     "--geojson muestra solo el nivel de cables: quite --asrel o use --json",
	"sim.err.asrel":       "--asrel: el evento %[1]d (%[2]s) necesita --as-country ARCHIVO para conocer las redes del país",
	"err.asof":            "--as-of: se espera un año como 2008, se encontró %s",
	"assess.err.rank":     "--rank no admite países",

	"assess.profile":     "%[1]s (%[2]s)  puntuación %[3]d/100  [N-1 %[4]s, N-2 %[5]s, capacidad %[6]s, sitios %[7]s]",
	"assess.inputs":      "  datos: cifras de capacidad %[1]s publicadas, %[2]s estimadas, %[3]s supuestas (en Gbit/s)",
	"assess.hub":         "  un nodo del núcleo de Internet",
	"assess.unreachable": "  ningún camino al núcleo, incluso sin fallos",
	"assess.cables":      "  cables (%[1]d): %[2]s",
	"assess.stations":    "  estaciones de amarre: %[1]d en %[2]d sitio(s) distinto(s)",
	"assess.flow":        "  flujo máximo hacia el núcleo: %[1]s Gbit/s (%[2]s kbit/s por persona)",
	"assess.cutsoff":     "%s (lo aísla)",
	"assess.loss":        "%[1]s (−%[2]s)",
	"assess.depends":     "  depende de: %s",
	"assess.n1.none":     "  N-1: ninguna pérdida aislada lo deja sin conexión",
	"assess.n1":          "  N-1: cada uno de estos, por sí solo, lo deja sin conexión:",
	"assess.critical":    "  críticos para la capacidad (cada uno, por sí solo, cuesta más del %s):",
	"assess.to.core":     "    %[1]s: −%[2]s de su capacidad hacia el núcleo",
	"assess.to.region":   "    %[1]s: −%[2]s de sus circuitos hacia %[3]s",
	"assess.n2.none":     "  N-2: ningún par de pérdidas lo deja sin conexión (más allá del conjunto N-1)",
	"assess.n2":          i18n.Plural{Arg: 1, One: "  N-2: %d par lo deja sin conexión:", Other: "  N-2: %d pares lo dejan sin conexión:"},
	"assess.n2.more":     "    … y %d más (--json para todos)",
	"assess.score.head":  "país\tnombre\tpuntuación\tcables\tsitios\tN-1\tN-2\tGbit/s\t",
	"assess.rank.head":   "tipo\tid\tpoblación aislada\tpaíses",

	// simulate, the AS level
	"as.head":           "nivel de AS: %[1]s AS, %[2]s enlaces proveedor-cliente y %[3]s enlaces entre pares",
	"as.failed":         "fuera de servicio: %s AS",
	"as.failed.shut":    "fuera de servicio: %[1]s AS; con apagón: %[2]s",
	"as.lost":           "perdido: %[1]s pares ordenados de AS activos (%[2]s); %[3]s AS pierden al menos un destino, %[4]s de ellos por debajo de los caídos",
	"as.countries.head": "país\tnombre\tAS\tcaídos\tafectados\taislados\tparte perdida\t",
	"as.countries.more": i18n.Plural{Arg: 1, One: "… y %d país más (--json para todos)", Other: "… y %d países más (--json para todos)"},
	"as.none":           "ninguna red pierde un camino",
	"as.networks":       "redes que más pierden (debajo: sus caminos hacia arriba cruzaban una red caída)",
	"as.networks.head":  "AS\tpaís\tperdido\tparte\tdebajo\tproveedores caídos\t",
	"as.networks.more":  "… y %[1]s más en --json; %[2]s más pierden cada una menos del %[3]s de las demás (como mucho %[4]s)",

	// simulate, demand
	"sim.demand":        "demanda: %[1]s usa %[2]s de ancho de banda internacional (%[3]s); quedan %[4]s hacia el núcleo: %[5]s",
	"sim.demand.enough": "suficiente",
	"sim.demand.short":  "INSUFICIENTE",
}
