package depcheck

import (
	"slices"
	"testing"
)

func TestViolations(t *testing.T) {
	// The binary wires adapters together, so it must be flagged.
	bad, err := Violations("lifeline/cmd/lifeline")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(bad, "net/http") || !slices.Contains(bad, "lifeline/cmd/lifeline") {
		t.Errorf("Violations(cmd/lifeline) = %v; want net/http and the command itself", bad)
	}
	// An extra prefix forbids the packages below it, not look-alikes.
	bad, err = Violations("lifeline/atlas/opencable", "lifeline/atlas")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(bad, "lifeline/atlas") {
		t.Errorf("Violations with lifeline/atlas forbidden = %v", bad)
	}
	bad, _ = Violations("lifeline/geo", "lifeline/ge")
	if len(bad) != 0 {
		t.Errorf("a prefix matched a look-alike package: %v", bad)
	}
	if _, err := Violations("lifeline/no/such/package"); err == nil {
		t.Error("an unknown package gave no error")
	}
}
