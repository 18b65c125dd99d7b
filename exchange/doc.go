// Package exchange speaks the formats the field already reads, in and out
// of Lifeline: OASIS CAP 1.2 alerts for incidents, OASIS EDXL-RM 1.0
// resource messages for needs, offers and commitments, HXL-tagged CSV for
// humanitarian information managers, STIX 2.1 bundles for CERTs, the
// columns of Access Now's #KeepItOn STOP dataset for shutdowns, and
// GeoJSON for maps. docs/exchange.md says what each format carries.
//
// Every export takes the reader (a coord.Viewer) and the items, and asks
// the one visibility policy, coord.CanSee, for every item it writes and
// every item it reveals through another (a commitment names its need and
// its offer): an item the reader may not see is left out as if it did not
// exist. Exports are deterministic: the same items, reader and Options give
// the same bytes.
//
// Every import reads a whole document, checks it and returns coord values
// — incidents, needs, offers, commitments — that validate, or an error of
// code EINVALID naming the line, element, record or field at fault, and no
// values at all: nothing of a bad document is imported. Imported values are
// drafts: their marking says who the document names as their source, and
// an adapter stores them through coord.NewIncident or coord.NewResource,
// which make the importing member their source. XML decoders refuse
// document type declarations (so entity expansion cannot happen), and every
// decoder bounds the size of a document, of a field and of the nesting.
//
// A round trip — export, import, export — gives the same bytes for every
// format: what a format carries of an item comes back unchanged. What a
// format cannot carry is listed in docs/exchange.md.
package exchange
