package norms_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// TestDependencies keeps norms an engine package: it imports no adapter,
// nothing that talks to a network or a database, and not the ledger.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/norms", "lifeline/ledger")
}
