package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline"
	"lifeline/internal/shareddata"
	"lifeline/watch"
	"lifeline/watch/visibility"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const events = `{"type":"outages.events","error":null,"data":[
 {"location":"country/IR","start":1704446400,"duration":1800,"datasource":"bgp","method":"median","score":24585.36},
 {"location":"geoasn/3269-1906","start":1704446400,"duration":1800,"datasource":"bgp","score":1}]}`

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "probing.csv", "entity,time,value\nIR,2024-01-05T09:00:00Z,10\nIR,2024-01-05T09:10:00Z,11\n")
	write(t, dir, "probing.2.csv", "entity,time,value\nIR,2024-01-05T09:20:00Z,12\n") // same key: merged
	write(t, dir, "events.json", events)
	write(t, dir, "README.md", "not a signal")
	write(t, dir, ".hidden", "not a signal")
	set, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if set.Files != 3 || len(set.Series) != 1 || len(set.Events) != 1 || len(set.Skipped) != 1 || set.MRT != nil {
		t.Fatalf("set %+v, want 3 files, 1 series, 1 event, 1 skipped, no MRT", set)
	}
	s := set.Series[0]
	if s.Key.String() != "probing:country/IR" || len(s.Values) != 3 || s.Values[2] != 12 {
		t.Errorf("series %s %v, want probing:country/IR [10 11 12]", s.Key, s.Values)
	}
	if !strings.Contains(set.Skipped[0], "events.json") {
		t.Errorf("skipped %q does not name the file", set.Skipped[0])
	}
	// --csv-kind overrides the name.
	set, err = Load([]string{filepath.Join(dir, "probing.csv")}, Options{CSVKind: watch.KindTelescope})
	if err != nil || set.Series[0].Kind != watch.KindTelescope {
		t.Errorf("with a CSV kind: %+v, %v", set, err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bgp.csv", "entity,time,value\nAtlantis,0,1\n")
	garbage := write(t, dir, "rib.20240101", "this is not MRT at all, just some text that goes on")
	empty := t.TempDir()
	for _, c := range []struct {
		paths []string
		want  string
	}{
		{[]string{filepath.Join(dir, "nope.csv")}, "nope.csv: no such file"},
		{[]string{bad}, "bgp.csv: line 2"},
		{[]string{garbage}, "rib.20240101: "},
		{[]string{empty}, "no signal files"},
	} {
		_, err := Load(c.paths, Options{})
		if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%v): %v, want EINVALID with %q", c.paths, err, c.want)
		}
	}
}

// TestLoadMRT reads two RIPE RIS files of 2002 given in the wrong order:
// the RIB dump of 23:37 and the updates of 22:38. Sorted by time, the
// updates come first, then the snapshot replaces the tables.
func TestLoadMRT(t *testing.T) {
	rib := shareddata.Path(t, "mrt/ripe-ncc-bgpdump/test_data/bview.20020722.2337.gz")
	upd := shareddata.Path(t, "mrt/ripe-ncc-bgpdump/test_data/updates.20020722.2238.gz")
	var calls int
	var last, total int64
	set, err := Load([]string{rib, upd}, Options{
		Visibility: visibility.Options{FullFeedV4: 100_000},
		Progress:   func(done, tot int64) { calls++; last, total = done, tot },
	})
	if err != nil {
		t.Fatal(err)
	}
	if set.MRT == nil || set.MRT.FullFeedV4 != 1 || set.MRT.Withdrawn == 0 || set.MRT.Bins < 12 {
		t.Fatalf("MRT stats %+v: want one full-feed peer, withdrawals from the updates, an hour of bins", set.MRT)
	}
	if calls == 0 || last != total {
		t.Errorf("progress called %d times, last %d of %d", calls, last, total)
	}
	for _, s := range set.Series {
		if s.Kind != watch.KindBGP || s.Entity.Type != watch.EntityASN {
			t.Fatalf("series %s, want bgp:asn/… only", s.Key)
		}
	}
}

func TestLoadASTable(t *testing.T) {
	tab, err := LoadASTable([]string{"../rir/testdata"})
	if err != nil {
		t.Fatal(err)
	}
	if cc, ok := tab.Country(12880); !ok || cc != "IR" {
		t.Errorf("AS12880 in %q, want IR", cc)
	}
}
