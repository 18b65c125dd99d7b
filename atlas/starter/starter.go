// Package starter embeds Lifeline's starter atlas: a small, hand-curated
// model of about a hundred in-service submarine cable systems and a few
// planned ones, so that every command works out of the box, offline, with
// no download.
//
// The starter atlas is curated from public sources — operator and
// consortium announcements, regulators' filings, and encyclopaedia articles
// on each cable system — and every cable record says where its facts come
// from. It is approximate: landing stations are placed to within a few
// kilometres, long systems list a subset of their landings, and no routes are
// drawn, so each cable is modelled as a chain of great-circle arcs through its
// landing points in the order listed. It covers West and East Africa, the Red
// Sea, the Gulf, South and South-East Asia, the Pacific islands, the
// Caribbean, the Baltic and Black Seas, and the main transatlantic and
// transpacific trunks; see docs/atlas.md.
//
// For analysis that matters, load the full dataset instead: fetch it once
// with `lifeline atlas fetch`, or point any command at an atlas with
// `--atlas DIR` (or a file written by `lifeline atlas export`).
package starter

import (
	"bytes"
	_ "embed"

	"lifeline/atlas"
)

//go:embed starter.json
var data []byte

// Name is how errors and provenance refer to the embedded atlas.
const Name = "starter atlas"

// Load decodes and compiles the embedded starter atlas, with the options
// (capacity overrides) given. Each call returns a new Atlas.
//
// Errors: EINVALID if the embedded file does not validate, which the package
// tests rule out.
func Load(opts ...atlas.Option) (*atlas.Atlas, error) {
	return atlas.Decode(bytes.NewReader(data), Name, opts...)
}
