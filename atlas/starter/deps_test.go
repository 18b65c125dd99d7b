package starter

import (
	"testing"

	"lifeline/internal/depcheck"
)

// The starter atlas is embedded data and the atlas decoder: no adapter, no
// importer.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/atlas/starter", "lifeline/atlas/opencable")
}
