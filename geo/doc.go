// Package geo knows the world's countries and territories: their ISO 3166-1
// codes and English names, free-text name resolution, land borders,
// populations and shapes, and the great-circle and polygon math needed to
// place a point (a cable landing station, say) among them.
//
// # Data
//
// Everything is embedded and decoded once, on first use; the package has no
// other state and every function is safe for concurrent use.
//
// countries.csv is a curated table: one row per ISO 3166-1 code (249) plus
// Kosovo under its user-assigned code XK, with alpha-3 and numeric codes, a
// short English name, aliases (World Bank, UN and common spellings), the
// population with its year and source (World Bank WDI SP.POP.TOTL 2023, or
// UN World Population Prospects 2024 and national offices for territories the
// World Bank does not list), and whether the country is landlocked.
//
// shapes.bin.gz holds the shapes, representative points and land borders. It
// is generated from Natural Earth's 1:50m admin-0 countries (public domain) as
// packaged in TopoJSON by the world-atlas npm package (ISC licence). The 50m
// scale is the middle ground: 1:110m drops many small island states and
// territories that cables land on, 1:10m is five times larger for detail
// that a landing-point distance does not need. TopoJSON stores each border
// once as a shared arc, which gives land borders exactly (two countries border
// when they share an arc) and lets simplification keep both sides of a
// border identical. Natural Earth draws some ISO territories inside their
// sovereign's shape (French Guiana, Guadeloupe, Martinique, Réunion and
// Mayotte in France; Bonaire, Sint Eustatius and Saba in the Netherlands;
// Svalbard and Jan Mayen in Norway): the generator cuts those islands or
// lands out by bounding box, so French Guiana, not France, borders Brazil and
// Suriname. Bouvet Island, Gibraltar, Tokelau, Tuvalu and the United States
// Minor Outlying Islands have no shape at this scale and are known by a
// representative point only. docs/geo.md gives the full list of rules and how
// to regenerate the file.
//
// # Geometry
//
// Shapes are in plain longitude/latitude degrees; rings that cross the
// antimeridian are split at ±180° and Antarctica is closed along the South
// Pole, so point-in-polygon works with the even-odd rule on the plane.
// Distances are great-circle distances on a sphere of the mean Earth radius.
//
//go:generate go run ./internal/gen -topo=$GEO_WORLD_ATLAS -countries=countries.csv -out=shapes.bin.gz
package geo
