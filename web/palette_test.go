package web

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A failed cable and a cut-off country must be told apart by readers
// who do not see hue: the cable's stroke differs from the country's fill
// by a contrast ratio of at least 3:1 (WCAG 2.1, 1.4.11 non-text
// contrast), and it is dashed as well.
func TestFailedCableAndCutOffDiffer(t *testing.T) {
	as, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	css := string(as.byName["style.css"].body)
	rule := func(selector string) string {
		i := strings.Index(css, selector+"{")
		if i < 0 {
			t.Fatalf("style.css has no rule %s", selector)
		}
		rest := css[i+len(selector)+1:]
		return rest[:strings.Index(rest, "}")]
	}
	prop := func(decls, name string) string {
		m := regexp.MustCompile(`(?:^|;)` + name + `:([^;]+)`).FindStringSubmatch(decls)
		if m == nil {
			return ""
		}
		return m[1]
	}
	failed, cutOff := rule(".map .failed"), rule(".map .l4")
	stroke, fill := prop(failed, "stroke"), prop(cutOff, "fill")
	if r := contrast(t, stroke, fill); r < 3 {
		t.Errorf("failed cable %s on cut-off country %s: contrast %.2f, want at least 3", stroke, fill, r)
	}
	for _, bg := range []string{"#d7e6f0", "#f3f0e8"} { // sea and land
		if r := contrast(t, stroke, bg); r < 3 {
			t.Errorf("failed cable %s on %s: contrast %.2f, want at least 3", stroke, bg, r)
		}
	}
	if prop(failed, "stroke-dasharray") == "" {
		t.Error("failed cables are not dashed")
	}
	if !strings.Contains(rule(".legend .k-failed"), "repeating-linear-gradient") {
		t.Error("the legend does not show failed cables dashed")
	}
	// The check itself: black on white is 21:1.
	if r := contrast(t, "#000", "#fff"); math.Abs(r-21) > 0.01 {
		t.Errorf("contrast(#000, #fff) = %v", r)
	}
}

// contrast is the WCAG contrast ratio of two #rgb or #rrggbb colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(t *testing.T, c string) float64 {
	t.Helper()
	h := strings.TrimPrefix(strings.TrimSpace(c), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		t.Fatalf("colour %q: expected #rgb or #rrggbb", c)
	}
	var lin [3]float64
	for i := range 3 {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", c, err)
		}
		s := float64(v) / 255
		if s <= 0.04045 {
			lin[i] = s / 12.92
		} else {
			lin[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2]
}
