package demo_test

import (
	"testing"

	"lifeline/internal/depcheck"
)

// The seeding knows the domain only through the coord service interfaces:
// no store, no HTTP.
func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/demo")
}
