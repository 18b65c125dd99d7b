package atlas_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// The atlas is an engine package; its importers live below it and the
// engine must not reach them.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/atlas", "lifeline/atlas/opencable", "lifeline/atlas/starter")
}
