package opencable_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// The importer reads files; downloading them is the download adapter's job.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/atlas/opencable")
}
