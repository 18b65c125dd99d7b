package mrt

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"testing"

	"lifeline/internal/shareddata"
)

func TestSniff(t *testing.T) {
	for _, p := range []string{
		"mrt/caida-bgpstream/test/ris.rrc06.updates.1427846400.gz",
		"mrt/caida-bgpstream/test/routeviews.route-views.jinx.updates.1427846400.bz2",
		"mrt/ripe-ncc-bgpdump/test_data/bview.20020722.2337.gz",
		"mrt/t2mune-mrtparse/samples/bird-mrtdump_rib",
	} {
		f, err := os.Open(shareddata.Path(t, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := Sniff(f); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		f.Close()
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<!DOCTYPE html><html><body>Not Found</body></html>\n"))
	zw.Close()
	for name, in := range map[string][]byte{
		"HTML page":             []byte("<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>\n"),
		"gzipped HTML page":     gz.Bytes(),
		"a known type, no body": record(1, TypeBGP4MP, 4, 0, nil)[:11],
		"an unknown subtype":    record(1, TypeTableDumpV2, 99, 0, []byte{1, 2}),
		"truncated gzip":        gz.Bytes()[:12],
	} {
		if err := Sniff(bytes.NewReader(in)); !errors.Is(err, ErrNotMRT) {
			t.Errorf("%s: %v, want ErrNotMRT", name, err)
		}
	}
	if err := Sniff(bytes.NewReader(nil)); err != nil {
		t.Errorf("empty input: %v, want nil", err)
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("<html>"))
	f.Add(record(1, TypeBGP4MP, 4, 0, []byte{1, 2, 3}))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Sniff(bytes.NewReader(b))
	})
}
