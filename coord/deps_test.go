package coord_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// TestDependencies keeps coord a domain package: it imports no adapter,
// nothing that talks to a network or a database, and not the ledger (the
// ledger builds on the domain, not the other way round).
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/coord", "lifeline/ledger")
}
