package visibility

import (
	"os"
	"testing"

	"lifeline/internal/shareddata"
	"lifeline/mrt"
)

// TestRealUpdates feeds the update files of RIS rrc06 (gzip) and
// RouteViews jinx (bzip2) of 2015-04-01 00:00, and every mrtparse sample
// (BIRD, Quagga, OpenBGPD: TABLE_DUMP, TABLE_DUMP_V2, ADD-PATH,
// BGP4MP_ENTRY), with every peer full-feed: no record may be rejected, and
// the update streams must yield announcements and withdrawals. (The
// RouteViews file has two IPv4 peers whose 15 minutes of updates share no
// prefix, so nothing is carried by more than half of them: no origin is
// visible, as the definition says.)
func TestRealUpdates(t *testing.T) {
	for _, c := range []struct {
		path    string
		updates bool
	}{
		{"mrt/caida-bgpstream/test/ris.rrc06.updates.1427846400.gz", true},
		{"mrt/caida-bgpstream/test/routeviews.route-views.jinx.updates.1427846400.bz2", true},
		{"mrt/t2mune-mrtparse/samples/bird-mrtdump_rib", false},
		{"mrt/t2mune-mrtparse/samples/bird6-mrtdump_bgp", false},
		{"mrt/t2mune-mrtparse/samples/quagga_bgp", false},
		{"mrt/t2mune-mrtparse/samples/openbgpd_rib_table", false},
		{"mrt/t2mune-mrtparse/samples/openbgpd_rib_table-mp", false},
		{"mrt/t2mune-mrtparse/samples/openbgpd_rib_table-v2", false},
		{"mrt/ripe-ncc-bgpdump/test_data/bview.ipv4_unicast_add_path.gz", false},
	} {
		t.Run(c.path, func(t *testing.T) {
			path := shareddata.Path(t, c.path)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := mrt.NewReader(f, mrt.Options{Name: path})
			if err != nil {
				t.Fatal(err)
			}
			tr := New(Options{FullFeedV4: -1, FullFeedV6: -1})
			fd := NewFeeder(tr)
			if err := fd.Feed(r); err != nil {
				t.Fatal(err)
			}
			series := tr.Finish()
			st := tr.Stats()
			t.Logf("%v; %d series, %d skipped", st, len(series), fd.Skipped)
			if fd.Skipped != 0 {
				t.Errorf("%d records skipped", fd.Skipped)
			}
			if c.updates && (st.Announced == 0 || st.Withdrawn == 0 || st.Bins == 0) {
				t.Errorf("an update file gave %v and %d series", st, len(series))
			}
		})
	}
}
