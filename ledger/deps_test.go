package ledger_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// TestDependencies keeps ledger an engine package: it imports no adapter
// and nothing that talks to a network or a database.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/ledger", "lifeline/atlas")
}
