package exchange_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// TestDependencies keeps exchange an engine package: it knows the domain
// (coord, geo) and the formats, and no adapter, network or database.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/exchange", "lifeline/ledger", "lifeline/demo")
}
