package geo

import (
	"cmp"
	"slices"
	"testing"
)

func TestBordersKnown(t *testing.T) {
	for _, b := range [][2]string{
		{"FR", "ES"}, {"US", "CA"}, {"US", "MX"}, {"CN", "IN"}, {"ZA", "LS"}, {"ZA", "SZ"}, {"MZ", "SZ"},
		{"BR", "GF"}, {"SR", "GF"}, {"SD", "SS"}, {"RU", "UA"}, {"ZM", "ZW"}, {"GN", "SL"}, {"LR", "SL"},
		{"CI", "LR"}, {"XK", "RS"}, {"SO", "ET"}, {"HT", "DO"}, {"MF", "SX"}, {"CN", "HK"}, {"EG", "PS"},
		{"ES", "GI"}, {"ES", "MA"}, {"UA", "RU"},
	} {
		t.Run(b[0]+"-"+b[1], func(t *testing.T) {
			if !slices.Contains(Neighbours(b[0]), b[1]) || !slices.Contains(Neighbours(b[1]), b[0]) {
				t.Errorf("%s and %s should border each other: %v / %v", b[0], b[1], Neighbours(b[0]), Neighbours(b[1]))
			}
		})
	}
}

func TestBordersAbsent(t *testing.T) {
	// Island states, and territories cut out of their sovereign's shape.
	for _, code := range []string{"TO", "JP", "IS", "MG", "LK", "SG", "AU", "NZ", "CY", "RE", "GP", "MQ", "YT", "BQ", "SJ", "ZZ"} {
		t.Run(code, func(t *testing.T) {
			if n := Neighbours(code); len(n) != 0 {
				t.Errorf("Neighbours(%s) = %v, want none", code, n)
			}
		})
	}
	for _, b := range [][2]string{{"FR", "BR"}, {"FR", "SR"}, {"NL", "SX"}, {"FR", "MF"}} {
		t.Run(b[0]+"-"+b[1], func(t *testing.T) {
			if slices.Contains(Neighbours(b[0]), b[1]) {
				t.Errorf("%s should not border %s", b[0], b[1])
			}
		})
	}
}

func TestLesothoOnlyBordersSouthAfrica(t *testing.T) {
	if got := Neighbours("ls"); !slices.Equal(got, []string{"ZA"}) {
		t.Errorf("Neighbours(ls) = %v, want [ZA]", got)
	}
}

func TestBordersConsistent(t *testing.T) {
	all := Borders()
	if len(all) < 300 {
		t.Fatalf("only %d borders", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b [2]string) int {
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		return cmp.Compare(a[1], b[1])
	}) {
		t.Error("Borders() is not sorted")
	}
	pairs := map[[2]string]bool{}
	for _, b := range all {
		if b[0] >= b[1] {
			t.Errorf("border %v is not ordered A<B (or borders itself)", b)
		}
		if pairs[b] {
			t.Errorf("border %v listed twice", b)
		}
		pairs[b] = true
	}
	for _, c := range Countries() {
		ns := Neighbours(c.Code)
		if !slices.IsSorted(ns) {
			t.Errorf("Neighbours(%s) = %v is not sorted", c.Code, ns)
		}
		for _, n := range ns {
			b := [2]string{min(c.Code, n), max(c.Code, n)}
			if n == c.Code || !pairs[b] {
				t.Errorf("Neighbours(%s) has %s but Borders() has no %v", c.Code, n, b)
			}
		}
	}
	count := 0
	for _, c := range Countries() {
		count += len(Neighbours(c.Code))
	}
	if count != 2*len(all) {
		t.Errorf("neighbour lists hold %d entries, want twice the %d borders", count, len(all))
	}
}
