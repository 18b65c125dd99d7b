package geo

import (
	"testing"

	"lifeline/internal/depcheck"
)

// geo is the innermost engine package: no adapter, and no other package of
// the module but the root.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/geo", "lifeline/atlas", "lifeline/impact", "lifeline/coord", "lifeline/internal")
}
