package visibility

import (
	"bytes"
	"os"
	"testing"

	"lifeline/internal/shareddata"
	"lifeline/mrt"
)

// BenchmarkFeedRIB measures the BGP signal on a real RIB dump (RIPE RIS,
// 2002, 115,000 routes of 36 peers): decompression, decoding, the tables
// and one bin of visibility.
func BenchmarkFeedRIB(b *testing.B) {
	data, err := os.ReadFile(shareddata.Path(b, "mrt/ripe-ncc-bgpdump/test_data/bview.20020722.2337.gz"))
	if err != nil {
		b.Fatal(err)
	}
	routes := 0
	for b.Loop() {
		r, err := mrt.NewReader(bytes.NewReader(data), mrt.Options{})
		if err != nil {
			b.Fatal(err)
		}
		tr := New(Options{FullFeedV4: 100_000})
		if err := NewFeeder(tr).Feed(r); err != nil {
			b.Fatal(err)
		}
		tr.Finish()
		routes = tr.Stats().Announced
	}
	b.ReportMetric(float64(b.N*routes)/b.Elapsed().Seconds(), "routes/s")
}
