package coord_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
)

func TestAreaValidate(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string // "" for valid, else a part of the message
	}{
		{"square", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`, ""},
		{"square with hole", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}`, ""},
		{"repeated position", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,0],[1,1],[0,1],[0,0]]]}`, ""},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`, ""},
		{"not closed", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, "polygon 0 ring 0 is not closed: it starts at [0, 0] and ends at [0, 1]"},
		{"bow tie", `{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}`, "polygon 0 ring 0 intersects itself at point [1, 1]"},
		{"second ring crosses itself", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[2,2],[2,0],[0,2],[0,0]]]]}`, "polygon 1 ring 0 intersects itself at point [1, 1]"},
		{"touching vertex", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[2,2],[4,4],[0,4],[2,2],[0,0]]]}`, "intersects itself at point [2, 2]"},
		{"spike folds back", `{"type":"Polygon","coordinates":[[[0,0],[2,0],[1,0],[1,1],[0,0]]]}`, "fold back"},
		{"too few positions", `{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}`, "needs at least 4"},
		{"collinear", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[2,0],[0,0]]]}`, "intersects itself"},
		{"out of range", `{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}`, "outside longitude"},
		{"point", `{"type":"Point","coordinates":[0,0]}`, `expected "Polygon" or "MultiPolygon"`},
		{"bad coordinates", `{"type":"Polygon","coordinates":"x"}`, "Polygon coordinates"},
		{"missing coordinates", `{"type":"Polygon"}`, "Polygon coordinates"},
		{"no ring", `{"type":"Polygon","coordinates":[]}`, "polygon 0 has no ring"},
		{"position of one number", `{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0,0]]]}`, "polygon 0 ring 0 position 0: expected [longitude, latitude] (an altitude may follow), found 1 numbers"},
		{"position of four numbers", `{"type":"Polygon","coordinates":[[[0,0,0,0],[1,0],[1,1],[0,0]]]}`, "found 4 numbers"},
		{"altitude", `{"type":"Polygon","coordinates":[[[0,0,10],[1,0,10],[1,1,10],[0,0,10]]]}`, ""},
		{"hole outside its shell", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[10,10],[11,10],[11,11],[10,10]]]}`, "polygon 0 ring 1 is a hole, but its position 0 [10, 10] lies outside the outer ring"},
		{"hole crossing its shell", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[2,1],[0,4],[0,0]],[[1,2],[3,2],[3,3],[1,3],[1,2]]]}`, "polygon 0 ring 1 is a hole, but its edge from position 0 crosses out of the outer ring"},
		{"hole touching its shell", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[0,1],[2,1],[2,2],[0,1]]]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a coord.Area
			if err := json.Unmarshal([]byte(tt.json), &a); err != nil {
				t.Fatal(err)
			}
			err := a.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			}
			if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v (%s), want EINVALID containing %q", err, lifeline.ErrorCode(err), tt.want)
			}
		})
	}
}

func FuzzArea(f *testing.F) {
	f.Add(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`)
	f.Add(`{"type":"MultiPolygon","coordinates":[[[[0,0],[2,2],[2,0],[0,2],[0,0]]]]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var a coord.Area
		if json.Unmarshal([]byte(s), &a) != nil {
			return
		}
		err := a.Validate()
		if err != nil && lifeline.ErrorCode(err) != lifeline.EINVALID {
			t.Fatalf("Validate() = %v with code %s, want EINVALID", err, lifeline.ErrorCode(err))
		}
	})
}
