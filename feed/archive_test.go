package feed

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeline/internal/shareddata"
	"lifeline/mrt"
)

func TestExpand(t *testing.T) {
	at := time.Date(2024, 1, 5, 9, 5, 0, 0, time.UTC)
	got := Expand("https://data.ris.ripe.net/rrc00/%Y.%m/updates.%Y%m%d.%H%M.gz", at)
	if want := "https://data.ris.ripe.net/rrc00/2024.01/updates.20240105.0905.gz"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestArchive serves four periods of an archive: a real RIS update file;
// an error page served with status 200 (the mirror has the file); a file
// never published; the real file again. The poller must hand over the
// three files in order, skip the page, record the missing period as a gap,
// and resume from its state file after a restart.
func TestArchive(t *testing.T) {
	real, err := os.ReadFile(shareddata.Path(t, "mrt/caida-bgpstream/test/ris.rrc06.updates.1427846400.gz"))
	if err != nil {
		t.Fatal(err)
	}
	p0 := time.Date(2015, 4, 1, 0, 0, 0, 0, time.UTC)
	name := func(i int) string { return p0.Add(time.Duration(i) * 5 * time.Minute).Format("20060102.1504") }
	mux := http.NewServeMux()
	mux.HandleFunc("/primary/", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, name(0)), strings.Contains(r.URL.Path, name(3)):
			w.Write(real)
		case strings.Contains(r.URL.Path, name(1)):
			w.Write([]byte("<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("/mirror/", func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, name(1)) {
			w.Write(real)
			return
		}
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	state := filepath.Join(t.TempDir(), "archive.state")
	cfg := ArchiveConfig{
		URL: srv.URL + "/primary/%Y.%m/updates.%Y%m%d.%H%M.gz", Mirrors: []string{srv.URL + "/mirror/updates.%Y%m%d.%H%M.gz"},
		Period: 5 * time.Minute, Start: p0, GiveUp: time.Minute, Retry: 10 * time.Millisecond, StateFile: state,
		// The clock stands just before period 4's file is due.
		Now: func() time.Time { return p0.Add(4*5*time.Minute + 10*time.Minute - time.Second) },
	}
	run := func(stopAfter time.Time) ([]time.Time, Status) {
		a, err := NewArchive(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var got []time.Time
		err = a.Run(ctx, func(url string, period time.Time, r io.Reader) error {
			got = append(got, period)
			rd, err := mrt.NewReader(r, mrt.Options{Name: url})
			if err != nil {
				return err
			}
			if _, err := rd.Next(); err != nil {
				t.Errorf("%s: %v", url, err)
			}
			if !period.Before(stopAfter) {
				cancel()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, a.Status()
	}
	got, st := run(p0.Add(5 * time.Minute))
	if len(got) != 2 || !got[0].Equal(p0) || !got[1].Equal(p0.Add(5*time.Minute)) {
		t.Fatalf("first run handled %v, want periods 0 and 1", got)
	}
	if st.Skipped != 1 {
		t.Errorf("first run: %d skipped, want 1 (the error page)", st.Skipped)
	}
	b, _ := os.ReadFile(state)
	if !strings.Contains(string(b), "2015-04-01T00:10:00Z") {
		t.Errorf("state file after period 1: %s", b)
	}
	got, st = run(p0.Add(15 * time.Minute))
	if len(got) != 1 || !got[0].Equal(p0.Add(15*time.Minute)) {
		t.Fatalf("second run handled %v, want period 3 alone (resumed after 1; 2 never published)", got)
	}
	if st.GapCount != 1 || !st.Gaps[0].From.Equal(p0.Add(10*time.Minute)) || !strings.Contains(st.Gaps[0].Reason, "not published") {
		t.Errorf("second run: gaps %+v, want period 2", st.Gaps)
	}
}

func TestArchiveConfig(t *testing.T) {
	for _, c := range []ArchiveConfig{
		{URL: "https://example.net/updates.gz", Period: 5 * time.Minute},
		{URL: "ftp://example.net/%Y", Period: 5 * time.Minute},
		{URL: "https://example.net/%Y", Period: 90 * time.Second},
	} {
		if _, err := NewArchive(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
